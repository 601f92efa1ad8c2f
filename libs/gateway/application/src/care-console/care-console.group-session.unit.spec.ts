import { groupSessionEntries, groupSessionView } from './care-console.group-session';
import type { GroupCalendar, GroupRoster } from './care-console.sessions';

const now = new Date('2026-03-25T12:00:00.000Z');
const roster: GroupRoster = {
  groupId: 'grp_t',
  members: [
    { memberId: 'mbr_aaaaaa', status: 'enrolled' },
    { memberId: 'mbr_bbbbbb', status: 'enrolled' },
    { memberId: 'mbr_gone01', status: 'withdrawn' },
  ],
};
const session = (n: number, startsAt: string, attendance: { memberId: string; status: string }[] = []) => ({
  sessionId: `grp_t-s0${n}`,
  startsAt,
  endsAt: startsAt.replace('T17', 'T18'),
  status: 'scheduled',
  attendance,
});
const calendar: GroupCalendar = {
  group: { groupId: 'grp_t' },
  sessions: [
    session(1, '2026-03-17T17:00:00.000Z', [{ memberId: 'mbr_aaaaaa', status: 'attended-in-person' }]),
    session(2, '2026-03-24T17:00:00.000Z', [{ memberId: 'mbr_aaaaaa', status: 'attended-online' }]),
  ],
};
const view = groupSessionView(
  roster,
  calendar,
  { notes: [{ memberId: 'mbr_aaaaaa', note: 'Calmer today.', writtenAt: '2026-03-24T19:00:00.000Z' }] },
  'grp_t-s02',
  6,
  now,
)!;

describe('the facilitator’s group session', () => {
  it('lists the enrolled members with attendance, note and dose progress', () => {
    expect(view.members).toEqual([
      {
        memberId: 'mbr_aaaaaa',
        status: 'attended-online',
        note: 'Calmer today.',
        dose: { attended: 2, dose: 6, doseReached: false },
      },
      { memberId: 'mbr_bbbbbb', status: null, note: '', dose: { attended: 0, dose: 6, doseReached: false } },
    ]);
    expect(groupSessionView(roster, calendar, { notes: [] }, 'grp_t-s09', 6, now)).toBeUndefined();
  });

  it('takes a sheet of roster members with statuses and short text notes, and nothing else', () => {
    const entry = { memberId: 'mbr_aaaaaa', status: 'absent' };
    expect(groupSessionEntries({ entries: [{ ...entry, note: 'Line one\nline two' }] }, view)).toEqual({
      ok: true,
      value: [{ ...entry, note: 'Line one\nline two' }],
    });
    expect(groupSessionEntries({ entries: [entry] }, view)).toEqual({ ok: true, value: [entry] });
    const refused = (body: unknown) => {
      const checked = groupSessionEntries(body, view);
      return checked.ok ? 'accepted' : checked.field;
    };
    expect(refused(null)).toBe('body');
    expect(refused({ entries: [entry], more: 1 })).toBe('body');
    expect(refused({ entries: [] })).toBe('entries');
    expect(refused({ entries: [{ ...entry, memberId: 'mbr_gone01' }] })).toBe('entries[0].memberId');
    expect(refused({ entries: [entry, entry] })).toBe('entries[1].memberId');
    expect(refused({ entries: [{ ...entry, status: 'late' }] })).toBe('entries[0].status');
    expect(refused({ entries: [{ ...entry, note: 'x'.repeat(501) }] })).toBe('entries[0].note');
    expect(refused({ entries: [{ ...entry, note: 'tab\there' }] })).toBe('entries[0].note');
    expect(refused({ entries: [{ ...entry, extra: 'x' }] })).toBe('entries[0]');
    const message = groupSessionEntries({ entries: [{ ...entry, note: 'secret\u0000' }] }, view);
    expect(JSON.stringify(message)).not.toContain('secret');
  });
});
