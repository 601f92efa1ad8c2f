import { checkDistressReport } from './care-console.distress';

const now = new Date('2026-12-04T12:00:00.000Z');
const newId = () => '00000000-0000-4000-8000-000000000001';
const check = (body: unknown) => checkDistressReport(body, now, newId);

describe('a facilitator’s report of acute distress, as the console takes it', () => {
  it('needs only the group: the id is made, observedAt is now, note trimmed', () => {
    expect(check({ groupId: 'grp_cancer_tuesday' })).toEqual({
      ok: true,
      value: { reportId: newId(), groupId: 'grp_cancer_tuesday', observedAt: now.toISOString() },
    });
    expect(
      check({
        reportId: 'AB0C1E2F-1B2C-4D3E-8F4A-5B6C7D8E9F01',
        groupId: 'grp_a',
        sessionId: 'grp_a-s03',
        observedAt: '2026-12-04T13:30:00+02:00',
        note: '  left the session in tears  ',
      }),
    ).toEqual({
      ok: true,
      value: {
        reportId: 'ab0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f01',
        groupId: 'grp_a',
        sessionId: 'grp_a-s03',
        observedAt: '2026-12-04T11:30:00.000Z',
        note: 'left the session in tears',
      },
    });
  });

  it.each([
    [undefined, 'body'],
    [[], 'body'],
    [{}, 'groupId'],
    [{ groupId: 'cancer' }, 'groupId'],
    [{ groupId: 'grp_a', reportId: 'not-a-uuid' }, 'reportId'],
    [{ groupId: 'grp_a', sessionId: '../x' }, 'sessionId'],
    [{ groupId: 'grp_a', observedAt: 'yesterday' }, 'observedAt'],
    [{ groupId: 'grp_a', observedAt: '2026-12-04T12:00:00' }, 'observedAt'],
    [{ groupId: 'grp_a', observedAt: '2026-12-04T12:30:00Z' }, 'observedAt'],
    [{ groupId: 'grp_a', observedAt: '2026-11-01T12:00:00Z' }, 'observedAt'],
    [{ groupId: 'grp_a', note: 7 }, 'note'],
    [{ groupId: 'grp_a', note: 'x'.repeat(281) }, 'note'],
  ])('refuses a bad body, naming the field (case %#)', (body, field) => {
    const checked = check(body);
    expect(checked).toMatchObject({ ok: false, field });
    if (!checked.ok && typeof (body as { note?: unknown } | undefined)?.note === 'string')
      expect(checked.message).not.toContain('xxxx');
  });

  it('allows a device clock a few minutes ahead', () => {
    expect(check({ groupId: 'grp_a', observedAt: '2026-12-04T12:04:00Z' })).toMatchObject({
      ok: true,
      value: { observedAt: '2026-12-04T12:04:00.000Z' },
    });
  });
});
