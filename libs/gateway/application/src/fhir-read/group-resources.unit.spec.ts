import { OutboundFhirSystems } from '@carecircle/contracts';
import { internalIdOf } from './fhir-read-references';
import { expectValidFhir, stored } from './fhir-read.fixtures';
import { groupToFhir, sessionIdsOf, sessionToAppointment } from './group-resources';

const GROUP = 'grp_cancer_tuesday';
const formed = stored('GroupFormed', 1);
const changed = stored('GroupChanged', 2, {
  payload: { facilitatorIds: ['fac_synthetic_sw_01', 'fac_synthetic_sw_02'] },
});
const enrolled = stored('MemberEnrolled', 3);
const otherEnrolled = stored('MemberEnrolled', 4, { subject: 'mbr_synthetic_0002' });

describe('support groups as FHIR Groups', () => {
  it('describes the group with its members by pseudonymous member id only, and a FHIR-valid id', () => {
    const group = groupToFhir(GROUP, [formed, changed, enrolled, otherEnrolled]);
    expectValidFhir(group);
    expect(group).toMatchObject({
      id: 'grp.cancer.tuesday',
      meta: { versionId: '4', lastUpdated: otherEnrolled.receivedAt },
      identifier: [{ system: OutboundFhirSystems.group, value: GROUP }],
      active: true,
      type: 'person',
      actual: true,
      quantity: 2,
      member: [
        {
          entity: { type: 'Patient', identifier: { system: OutboundFhirSystems.member, value: 'mbr_synthetic_0001' } },
          period: { start: '2026-03-09T10:00:00.000Z' },
          inactive: false,
        },
        { entity: { identifier: { value: 'mbr_synthetic_0002' } }, inactive: false },
      ],
    });
    expect(group?.characteristic?.map((c) => c.valueCodeableConcept?.coding?.[0]?.code ?? 'range')).toEqual([
      'cancer',
      'hybrid',
      'closed',
      'weekly',
      'range',
    ]);
    expect(JSON.stringify(group)).not.toMatch(/Patient\//);
    expect(internalIdOf(group?.id ?? '')).toBe(GROUP);
  });

  it('a withdrawal ends that membership; closing the group ends the group and every membership', () => {
    const withdrew = stored('MemberWithdrew', 5);
    expect(groupToFhir(GROUP, [formed, enrolled, otherEnrolled, withdrew])).toMatchObject({
      quantity: 1,
      member: [{ inactive: true, period: { end: '2026-04-20T10:00:00.000Z' } }, { inactive: false }],
    });
    const closed = groupToFhir(GROUP, [formed, enrolled, stored('GroupClosed', 6)]);
    expectValidFhir(closed);
    expect(closed).toMatchObject({
      active: false,
      quantity: 0,
      member: [{ inactive: true, period: { end: '2026-05-06T09:00:00.000Z' } }],
    });
  });

  it('is unknown until the group has been described', () => {
    expect(groupToFhir(GROUP, [enrolled])).toBeUndefined();
  });
});

describe('group sessions as FHIR Appointments', () => {
  const scheduled = stored('SessionScheduled', 3);

  it('a scheduled session is booked, with the facilitators and location as participants and the Group as supporting information', () => {
    const appointment = sessionToAppointment('grp_cancer_tuesday-s02', [formed, scheduled]);
    expectValidFhir(appointment);
    expect(appointment).toMatchObject({
      id: 'grp.cancer.tuesday-s02',
      meta: { versionId: '2' },
      status: 'booked',
      start: '2026-03-24T17:00:00.000Z',
      end: '2026-03-24T18:30:00.000Z',
      minutesDuration: 90,
      supportingInformation: [{ reference: 'Group/grp.cancer.tuesday' }],
      participant: [
        {
          actor: {
            type: 'Practitioner',
            identifier: { system: OutboundFhirSystems.facilitator, value: 'fac_synthetic_sw_01' },
          },
          status: 'accepted',
        },
        {
          actor: {
            type: 'Location',
            identifier: { system: OutboundFhirSystems.location, value: 'loc_oncology_day_clinic_room_2' },
          },
          status: 'accepted',
        },
      ],
    });
    expect(JSON.stringify(appointment)).not.toContain('mbr_');
  });

  it('a reschedule moves it, a cancellation cancels it with the reason; the group changing its facilitators changes its participants', () => {
    const events = [formed, scheduled, stored('SessionRescheduled', 4), changed];
    expect(sessionToAppointment('grp_cancer_tuesday-s02', events)).toMatchObject({
      status: 'booked',
      start: '2026-03-25T17:00:00.000Z',
      meta: { versionId: '4' },
    });
    expect(
      sessionToAppointment('grp_cancer_tuesday-s02', events)?.participant.map((p) => p.actor?.identifier?.value),
    ).toEqual(['fac_synthetic_sw_01', 'fac_synthetic_sw_02', 'loc_oncology_day_clinic_room_2']);
    const cancelled = sessionToAppointment('grp_cancer_tuesday-s02', [...events, stored('SessionCancelled', 5)]);
    expectValidFhir(cancelled);
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancelationReason: { coding: [{ system: OutboundFhirSystems.sessionCancellation, code: 'holiday' }] },
    });
  });

  it('before the group is described the session still reads, with an unnamed performer who has yet to accept', () => {
    const appointment = sessionToAppointment('grp_cancer_tuesday-s02', [scheduled]);
    expectValidFhir(appointment);
    expect(appointment?.participant).toEqual([
      { type: [{ coding: [expect.objectContaining({ code: 'PPRF' })] }], status: 'needs-action' },
    ]);
    expect(sessionToAppointment('grp_cancer_tuesday-s09', [scheduled])).toBeUndefined();
    expect(sessionIdsOf([formed, scheduled, stored('SessionCancelled', 5)])).toEqual(['grp_cancer_tuesday-s02']);
  });
});
