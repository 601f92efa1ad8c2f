import { allEventDefinitions, enrollmentEvents, envelopeSchema, fixtures, MedicationChanged } from './index';

describe('integration event contracts', () => {
  it.each(allEventDefinitions.map((d) => [d.type, d] as const))(
    '%s has a fixture that parses against its schema',
    (type, definition) => {
      const fixture = (fixtures as Record<string, unknown>)[type];
      expect(fixture).toBeDefined();
      expect(definition.parse(fixture)).toEqual(fixture);
    },
  );

  it('has one fixture per event and no stray fixtures', () => {
    expect(Object.keys(fixtures).sort()).toEqual(allEventDefinitions.map((d) => d.type).sort());
  });

  it('gives every event type one definition only', () => {
    const types = allEventDefinitions.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
  });

  it('rejects a subject that is not a pseudonymous member id, naming the field', () => {
    const withMrn = { ...fixtures.MemberEnrolled, subject: 'MRN-000123' };
    const result = envelopeSchema.safeParse(withMrn);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['subject']);
  });

  it('rejects a payload missing a required fact', () => {
    const { groupId: _dropped, ...payload } = fixtures.MemberEnrolled.payload;
    expect(() => enrollmentEvents[1].parse({ ...fixtures.MemberEnrolled, payload })).toThrow(/groupId/);
  });

  describe('MedicationChanged daily dose (added within schema version 1)', () => {
    const { dailyDose: _dose, doseUnit: _unit, ...before } = fixtures.MedicationChanged.payload;
    const withPayload = (payload: object) => ({ ...fixtures.MedicationChanged, payload });

    it('still parses an event published before doses travelled', () => {
      expect(MedicationChanged.parse(withPayload(before)).payload).toEqual(before);
    });

    it('takes an unknown dose as nulls', () => {
      const unknown = { ...before, dailyDose: null, doseUnit: null };
      expect(MedicationChanged.parse(withPayload(unknown)).payload).toEqual(unknown);
    });

    it('refuses a dose without its unit, a unit other than mg/day or mcg/h, and text for a dose', () => {
      expect(() => MedicationChanged.parse(withPayload({ ...before, dailyDose: 50 }))).toThrow(/unit/);
      expect(() => MedicationChanged.parse(withPayload({ ...before, dailyDose: 2, doseUnit: 'tablet' }))).toThrow(
        /doseUnit/,
      );
      expect(() =>
        MedicationChanged.parse(withPayload({ ...before, dailyDose: '50 mg at night', doseUnit: 'mg/day' })),
      ).toThrow(/dailyDose/);
      expect(() => MedicationChanged.parse(withPayload({ ...before, dailyDose: -5, doseUnit: 'mg/day' }))).toThrow(
        /dailyDose/,
      );
    });
  });
});
