import { AppointmentBooked, gatewayFixtures } from '@carecircle/contracts';
import { contactKindOf, gatewayContactId, toAppointmentCommand, type IngestedAppointment } from './appointment-ingest';

const SNOMED = 'http://snomed.info/sct';
const fixture = AppointmentBooked.parse(gatewayFixtures.AppointmentBooked);
const appointment = (override: Partial<IngestedAppointment> = {}): IngestedAppointment => ({
  memberId: fixture.subject,
  ...fixture.payload,
  ...override,
});

describe('gateway appointment → therapeutic contact', () => {
  it('books the fixture as a CBT contact under an id derived from the resource, instants normalised', () => {
    expect(toAppointmentCommand(appointment())).toEqual({
      action: 'book',
      memberId: fixture.subject,
      contactId: gatewayContactId(fixture.payload.resourceId),
      kind: 'cbt',
      start: '2026-03-10T14:00:00.000Z',
      end: '2026-03-10T15:00:00.000Z',
    });
    expect(toAppointmentCommand(appointment({ revision: 2 }))).toMatchObject({
      contactId: gatewayContactId(fixture.payload.resourceId),
    });
  });

  it.each([
    ['394587001', 'psychiatry'],
    ['394806003', 'palliative'],
    ['409063005', 'individual-counseling'],
    ['228557008', 'cbt'],
  ])('maps SNOMED CT %s to %s', (code, kind) => {
    expect(contactKindOf([{ system: SNOMED, code }])).toEqual({ kind });
  });

  it.each(['booked', 'pending', 'arrived', 'fulfilled'])('books on status %s', (status) => {
    expect(toAppointmentCommand(appointment({ status })).action).toBe('book');
  });

  it.each(['cancelled', 'noshow', 'entered-in-error'])('cancels on status %s, whatever the codes', (status) => {
    expect(toAppointmentCommand(appointment({ status, serviceTypes: [] }))).toEqual({
      action: 'cancel',
      memberId: fixture.subject,
      contactId: gatewayContactId(fixture.payload.resourceId),
    });
  });

  it('ignores what it cannot tell, and never throws', () => {
    expect(toAppointmentCommand(appointment({ status: 'proposed' }))).toEqual({ action: 'ignore', reason: 'status' });
    expect(toAppointmentCommand(appointment({ serviceTypes: [{ system: SNOMED, code: '185349003' }] }))).toEqual({
      action: 'ignore',
      reason: 'unknown-kind',
    });
    expect(toAppointmentCommand(appointment({ serviceTypes: [{ code: '228557008' }] }))).toEqual({
      action: 'ignore',
      reason: 'unknown-kind',
    });
    expect(
      toAppointmentCommand(
        appointment({
          serviceTypes: [
            { system: SNOMED, code: '228557008' },
            { system: SNOMED, code: '394587001' },
          ],
        }),
      ),
    ).toEqual({ action: 'ignore', reason: 'ambiguous-kind' });
    expect(toAppointmentCommand(appointment({ start: undefined }))).toEqual({ action: 'ignore', reason: 'no-time' });
  });
});
