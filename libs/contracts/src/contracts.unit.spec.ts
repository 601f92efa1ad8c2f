import { allEventDefinitions, enrollmentEvents, envelopeSchema, fixtures } from './index';

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
});
