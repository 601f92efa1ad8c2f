import { enrollmentEvents, envelopeSchema, fixtures } from './index';

describe('integration event contracts', () => {
  it.each(enrollmentEvents.map((d) => [d.type, d] as const))('%s fixture parses against its schema', (type, definition) => {
    const fixture = fixtures[type as keyof typeof fixtures];
    expect(definition.parse(fixture)).toEqual(fixture);
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
