import { z } from 'zod';
import { CdsContextError, contextResources } from './cds-services';

const appointment = z
  .object({ resourceType: z.literal('Appointment'), start: z.string().datetime({ offset: true }).optional() })
  .passthrough();
const read = (value: unknown) => contextResources(value, 'context.appointments', 'Appointment', appointment);
const refusal = (value: unknown) => {
  try {
    read(value);
  } catch (error) {
    if (error instanceof CdsContextError) return error.field;
    throw error;
  }
  return 'accepted';
};

describe('CDS Hooks context resources', () => {
  const apt = { resourceType: 'Appointment', id: 'a1', start: '2026-03-04T10:00:00Z' };
  it('reads a Bundle (CDS Hooks 2.0) and an array (STU3 examples), keeping only the resources of the type', () => {
    expect(
      read({
        resourceType: 'Bundle',
        type: 'collection',
        entry: [{ resource: apt }, { resource: { resourceType: 'Patient', id: 'p' } }, { fullUrl: 'urn:uuid:x' }],
      }),
    ).toEqual([apt]);
    expect(read([apt, { resourceType: 'Patient' }])).toEqual([apt]);
    expect(read({ resourceType: 'Bundle' })).toEqual([]);
    expect(read(undefined)).toEqual([]);
  });
  it('refuses a shape it cannot read, naming the field', () => {
    expect(refusal('appointments')).toBe('context.appointments');
    expect(refusal({ resourceType: 'Appointment' })).toBe('context.appointments');
    expect(refusal({ resourceType: 'Bundle', entry: { resource: apt } })).toBe('context.appointments.entry');
    expect(refusal({ resourceType: 'Bundle', entry: [{ resource: 'Appointment/a1' }] })).toBe(
      'context.appointments.entry.0.resource',
    );
    expect(refusal({ resourceType: 'Bundle', entry: [{ resource: { ...apt, start: 'tomorrow' } }] })).toBe(
      'context.appointments.entry.0.resource.start',
    );
    expect(refusal([{ ...apt, start: 42 }])).toBe('context.appointments.0.start');
  });
});
