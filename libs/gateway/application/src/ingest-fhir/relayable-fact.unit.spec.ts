import type { ClinicalFact } from '@carecircle/gateway/domain';
import { isRelayable } from './relayable-fact';

describe('isRelayable', () => {
  const order = (value: unknown) =>
    ({
      kind: 'MedicationOrdered',
      details: {
        dose: { unit: 'mL', value },
        intent: 'order',
        status: 'completed',
        authoredOn: '2015-01-15',
        medication: { codes: [] },
        requesterId: 'clin_iWSiBEAcnQLl_sq7GWPFeQ',
      },
    }) as unknown as ClinicalFact;

  it('accepts a fact its contract accepts, and refuses one the relay could never publish (found by the ingest fuzz)', () => {
    expect(isRelayable(order(5))).toBe(true);
    expect(isRelayable(order({}))).toBe(false);
    expect(
      isRelayable({ ...order(5), details: { ...order(5).details, requesterId: 'Practitioner/123' } } as ClinicalFact),
    ).toBe(false);
  });
});
