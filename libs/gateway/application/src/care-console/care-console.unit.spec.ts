import {
  decideCohortAccess,
  decideGroupAccess,
  decideHome,
  decideMemberAccess,
  type ConsoleReader,
} from './care-console.access';
import {
  alertHistories,
  alertsForView,
  checkAcknowledgement,
  checkResolution,
  decideAlertAction,
  inboxOf,
  type LiaisonAlert,
} from './care-console.alerts';
import { outcomeChartsFor } from './care-console.outcomes';
import {
  attendanceSheet,
  attendanceWrites,
  rosterDoseProgress,
  sessionsToAttend,
  type GroupCalendar,
  type GroupRoster,
} from './care-console.sessions';
import { consoleErrorOf } from './upstream-error';

const facilitator: ConsoleReader = { kind: 'human', id: 'fac_1', role: 'facilitator' };
const otherFacilitator: ConsoleReader = { kind: 'human', id: 'fac_2', role: 'facilitator' };
const clinician: ConsoleReader = { kind: 'human', id: 'clin_1', role: 'clinician' };
const lead: ConsoleReader = { kind: 'human', id: 'lead_1', role: 'programme-lead' };
const admin: ConsoleReader = { kind: 'human', id: 'adm_1', role: 'admin' };
const ehr: ConsoleReader = { kind: 'system', id: 'ehr', scope: 'system/*.rs' };
const relations = {
  facilitatorIds: ['fac_1'],
  careTeam: [{ clinicianId: 'clin_1', activeUntil: null }],
  emergencyAccess: [],
  withdrawn: false,
};
const now = new Date('2026-12-04T12:00:00.000Z');
const member = 'mbr_synthetic_0001';

describe('care console access (DOMAIN.md: minimum necessary)', () => {
  it('gives a member’s facilitator the facilitator view and their care-team clinician the full view', () => {
    expect(decideMemberAccess(facilitator, 'member.alerts.read', member, relations, now)).toEqual({
      allowed: true,
      view: 'facilitator',
    });
    expect(decideMemberAccess(clinician, 'member.alerts.read', member, relations, now)).toEqual({
      allowed: true,
      view: 'clinician',
    });
  });

  it('refuses anyone else a member: another facilitator, a clinician off the team, the programme lead, an admin, a SMART client; 401 without a token', () => {
    expect(decideMemberAccess(otherFacilitator, 'member.alerts.read', member, relations, now)).toMatchObject({
      allowed: false,
      status: 403,
    });
    expect(
      decideMemberAccess({ ...clinician, id: 'clin_2' }, 'member.alerts.read', member, relations, now),
    ).toMatchObject({ allowed: false, status: 403 });
    expect(decideMemberAccess(lead, 'member.alerts.read', member, relations, now)).toMatchObject({
      allowed: false,
      status: 403,
      reason: expect.stringMatching(/cohort figures/),
    });
    expect(decideMemberAccess(admin, 'member.alerts.read', member, relations, now)).toMatchObject({
      allowed: false,
      status: 403,
    });
    expect(decideMemberAccess(ehr, 'member.alerts.read', member, relations, now)).toMatchObject({
      allowed: false,
      status: 403,
      reason: expect.stringMatching(/FHIR/),
    });
    expect(decideMemberAccess(undefined, 'member.alerts.read', member, relations, now)).toMatchObject({
      allowed: false,
      status: 401,
    });
    // A facilitator id that happens to be on the care-team list does not make a facilitator a clinician.
    expect(
      decideMemberAccess({ ...facilitator, id: 'clin_1' }, 'member.alerts.read', member, relations, now),
    ).toMatchObject({ allowed: false, status: 403 });
  });

  it('lets only a group’s own facilitators at its sessions, and only programme leads at cohort reports', () => {
    expect(decideGroupAccess(facilitator, 'group.roster.read', 'grp_1', ['fac_1'], now)).toEqual({ allowed: true });
    expect(decideGroupAccess(otherFacilitator, 'group.roster.read', 'grp_1', ['fac_1'], now)).toMatchObject({
      allowed: false,
      status: 403,
    });
    expect(decideGroupAccess(clinician, 'group.roster.read', 'grp_1', ['clin_1'], now)).toMatchObject({
      allowed: false,
      status: 403,
    });
    expect(decideGroupAccess(lead, 'group.roster.read', 'grp_1', ['lead_1'], now)).toMatchObject({
      allowed: false,
      status: 403,
    });
    expect(decideCohortAccess(lead, now)).toEqual({ allowed: true });
    for (const reader of [facilitator, clinician, admin, ehr])
      expect(decideCohortAccess(reader, now)).toMatchObject({ allowed: false, status: 403 });
    expect(decideCohortAccess(undefined, now)).toMatchObject({ allowed: false, status: 401 });
  });

  it('gives the three console roles a home, and nobody else', () => {
    expect(decideHome(facilitator, now)).toEqual({ allowed: true, role: 'facilitator', id: 'fac_1' });
    expect(decideHome(lead, now)).toEqual({ allowed: true, role: 'programme-lead', id: 'lead_1' });
    expect(decideHome(admin, now)).toMatchObject({ allowed: false, status: 403 });
    expect(decideHome(ehr, now)).toMatchObject({ allowed: false, status: 403 });
  });

  it('ends a clinician’s access with the care-team period, and everyone’s when the member withdrew', () => {
    const ended = { ...relations, careTeam: [{ clinicianId: 'clin_1', activeUntil: '2026-12-04T11:00:00.000Z' }] };
    expect(decideMemberAccess(clinician, 'member.alerts.read', member, ended, now)).toMatchObject({
      allowed: false,
      status: 403,
    });
    for (const reader of [clinician, facilitator])
      expect(
        decideMemberAccess(reader, 'member.alerts.read', member, { ...relations, withdrawn: true }, now),
      ).toMatchObject({ allowed: false, status: 403 });
  });
});

const alert = (recipientRole: string, overrides: Partial<LiaisonAlert> = {}): LiaisonAlert => ({
  alertId: `a-${recipientRole}`,
  memberId: 'mbr_synthetic_0001',
  rule: 'antidepressant-change',
  severity: 'critical',
  status: 'raised',
  recipientRole,
  recipientId: null,
  summary:
    recipientRole === 'facilitator'
      ? 'Medication change: watch for activation'
      : 'sertraline started: watch for worsening mood',
  detail:
    recipientRole === 'facilitator'
      ? 'Medication change: watch for activation'
      : 'An antidepressant was started. **Evidence**: sertraline started',
  evidenceEventIds: ['evt-1'],
  escalationLevel: 0,
  raisedAt: '2026-11-20T10:00:00.000Z',
  ...overrides,
});

describe('alerts in the console', () => {
  const both = [alert('facilitator'), alert('attending-psychiatrist', { status: 'acknowledged', escalationLevel: 1 })];

  it('shows a facilitator only the facilitator copy, without drug or evidence ids', () => {
    const shown = alertsForView(both, 'facilitator');
    expect(shown).toEqual([
      expect.objectContaining({
        alertId: 'a-facilitator',
        open: true,
        summary: 'Medication change: watch for activation',
      }),
    ]);
    expect(JSON.stringify(shown)).not.toMatch(/sertraline|evt-1/);
  });

  it('shows a clinician the clinical copies in full, with escalation level and whether still open', () => {
    expect(alertsForView(both, 'clinician')).toEqual([
      expect.objectContaining({
        alertId: 'a-attending-psychiatrist',
        summary: expect.stringMatching(/sertraline/),
        escalationLevel: 1,
        open: false,
      }),
    ]);
  });

  it('puts open alerts first by severity then the soonest to escalate, keeps acted-on ones in Done with who and when, and counts each state', () => {
    const copies = [
      alert('facilitator', { alertId: 'info-early', severity: 'info' }),
      alert('facilitator', { alertId: 'critical-late' }),
      alert('facilitator', { alertId: 'critical-escalated', escalationLevel: 1 }),
      alert('facilitator', { alertId: 'warning', severity: 'warning' }),
      alert('facilitator', { alertId: 'acked', status: 'acknowledged' }),
      alert('facilitator', { alertId: 'resolved', status: 'resolved' }),
    ];
    const event = (alertId: string, type: string, payload: object) => ({ type, payload: { alertId, ...payload } });
    const histories = alertHistories([
      { alertId: 'critical-late', escalationDueAt: '2026-11-20T10:30:00.000Z', events: [] },
      {
        alertId: 'critical-escalated',
        escalationDueAt: '2026-11-20T10:05:00.000Z',
        events: [event('critical-escalated', 'AlertEscalated', { level: 1, escalatedAt: '2026-11-20T10:05:00.000Z' })],
      },
      {
        alertId: 'acked',
        events: [
          event('acked', 'AlertAcknowledged', {
            acknowledgedBy: 'fac_1',
            acknowledgedAt: '2026-11-21T08:00:00.000Z',
            outcome: 'overridden',
            overrideReasonGiven: true,
          }),
        ],
      },
      {
        alertId: 'resolved',
        events: [event('resolved', 'AlertResolved', { resolvedBy: 'fac_1', resolvedAt: '2026-11-20T12:00:00.000Z' })],
      },
    ]);
    const inbox = inboxOf(alertsForView(copies, 'facilitator'), histories);
    expect(inbox.open.map((a) => [a.alertId, a.state])).toEqual([
      ['critical-escalated', 'escalated'],
      ['critical-late', 'new'],
      ['warning', 'new'],
      ['info-early', 'new'],
    ]);
    expect(inbox.done.map((a) => a.alertId)).toEqual(['acked', 'resolved']);
    expect(inbox.done[0]).toMatchObject({
      state: 'acknowledged',
      acknowledged: { by: 'fac_1', at: '2026-11-21T08:00:00.000Z', outcome: 'overridden', reasonGiven: true },
    });
    expect(inbox.counts).toEqual({ new: 3, escalated: 1, acknowledged: 1, resolved: 1 });
  });

  it('lets a reader act on their own copy only', () => {
    expect(decideAlertAction('facilitator', alert('facilitator'))).toEqual({ allowed: true });
    expect(decideAlertAction('facilitator', alert('attending-psychiatrist'))).toMatchObject({
      allowed: false,
      status: 403,
    });
    expect(decideAlertAction('clinician', alert('facilitator'))).toMatchObject({ allowed: false, status: 403 });
    expect(decideAlertAction('clinician', alert('prescriber'))).toEqual({ allowed: true });
  });

  it('takes an acceptance, requires a reason to override, and names what was wrong', () => {
    expect(checkAcknowledgement({ outcome: 'accepted' })).toEqual({
      ok: true,
      value: { outcome: 'accepted', reason: null },
    });
    expect(checkAcknowledgement({ outcome: 'overridden', reason: '  discussed with the psychiatrist ' })).toEqual({
      ok: true,
      value: { outcome: 'overridden', reason: 'discussed with the psychiatrist' },
    });
    expect(checkAcknowledgement({ outcome: 'overridden', reason: '   ' })).toEqual({
      ok: false,
      field: 'reason',
      message: 'reason is required when an alert is overridden',
    });
    expect(checkAcknowledgement({ outcome: 'ignored' })).toMatchObject({ ok: false, field: 'outcome' });
    expect(checkAcknowledgement(null)).toMatchObject({ ok: false, field: 'outcome' });
    expect(checkAcknowledgement({ outcome: 'accepted', reason: 'x'.repeat(501) })).toMatchObject({
      ok: false,
      field: 'reason',
    });
    expect(checkResolution({})).toEqual({ ok: true, value: { reason: null } });
    expect(checkResolution({ reason: 7 })).toMatchObject({ ok: false, field: 'reason' });
  });
});

describe('sessions, attendance and dose', () => {
  const roster: GroupRoster = {
    groupId: 'grp_a',
    members: [
      { memberId: 'mbr_aaaaaa', status: 'enrolled' },
      { memberId: 'mbr_bbbbbb', status: 'enrolled' },
      { memberId: 'mbr_gone01', status: 'withdrawn' },
    ],
  };
  const session = (
    n: number,
    startsAt: string,
    attendance: { memberId: string; status: string }[],
    status = 'scheduled',
  ) => ({ sessionId: `grp_a-s0${n}`, startsAt, endsAt: startsAt.replace('T17', 'T18'), status, attendance });
  const calendar: GroupCalendar = {
    group: { groupId: 'grp_a', status: 'active' },
    sessions: [
      session(1, '2026-11-01T17:00:00.000Z', [
        { memberId: 'mbr_aaaaaa', status: 'attended-in-person' },
        { memberId: 'mbr_bbbbbb', status: 'absent' },
      ]),
      session(2, '2026-11-08T17:00:00.000Z', [
        { memberId: 'mbr_aaaaaa', status: 'attended-online' },
        { memberId: 'mbr_bbbbbb', status: 'excused' },
      ]),
      session(3, '2026-11-15T17:00:00.000Z', [], 'cancelled'),
      session(4, '2026-11-22T17:00:00.000Z', [{ memberId: 'mbr_aaaaaa', status: 'attended-in-person' }]),
      session(5, '2026-11-29T17:00:00.000Z', []),
    ],
  };
  const now = new Date('2026-11-23T00:00:00.000Z');

  it('counts each enrolled member’s attended sessions (in person or online) against the dose', () => {
    expect(rosterDoseProgress(roster, calendar, 6, now)).toEqual([
      { memberId: 'mbr_aaaaaa', attended: 3, held: 3, dose: 6, doseReached: false },
      { memberId: 'mbr_bbbbbb', attended: 0, held: 3, dose: 6, doseReached: false },
    ]);
    expect(rosterDoseProgress(roster, calendar, 3, now)[0]).toMatchObject({ doseReached: true });
  });

  it('offers the latest started sessions, newest first, then the next one; cancelled ones not at all', () => {
    expect(sessionsToAttend(calendar, now, 2).map((s) => [s.sessionId, s.started, s.recorded])).toEqual([
      ['grp_a-s04', true, 1],
      ['grp_a-s02', true, 2],
      ['grp_a-s05', false, 0],
    ]);
  });

  it('builds a session’s sheet from the roster and what is recorded; unknown session: none', () => {
    expect(attendanceSheet(roster, calendar, 'grp_a-s02', now)).toEqual({
      groupId: 'grp_a',
      session: {
        sessionId: 'grp_a-s02',
        startsAt: '2026-11-08T17:00:00.000Z',
        endsAt: '2026-11-08T18:00:00.000Z',
        status: 'scheduled',
        started: true,
      },
      members: [
        { memberId: 'mbr_aaaaaa', status: 'attended-online' },
        { memberId: 'mbr_bbbbbb', status: 'excused' },
      ],
    });
    expect(attendanceSheet(roster, calendar, 'grp_a-s05', now)?.session.started).toBe(false);
    expect(attendanceSheet(roster, calendar, 'grp_a-s99', now)).toBeUndefined();
  });

  it('turns a submitted sheet into records and corrections, skipping what is unchanged', () => {
    const sheet = attendanceSheet(roster, calendar, 'grp_a-s04', now)!;
    const body = {
      entries: [
        { memberId: 'mbr_aaaaaa', status: 'attended-in-person' },
        { memberId: 'mbr_bbbbbb', status: 'attended-online' },
      ],
    };
    expect(attendanceWrites(body, sheet)).toEqual({
      ok: true,
      value: [{ memberId: 'mbr_bbbbbb', status: 'attended-online', kind: 'record' }],
    });
    const corrected = { entries: [{ memberId: 'mbr_aaaaaa', status: 'excused' }] };
    expect(attendanceWrites(corrected, sheet)).toEqual({
      ok: true,
      value: [{ memberId: 'mbr_aaaaaa', status: 'excused', kind: 'correct' }],
    });
  });

  it('refuses a sheet naming someone off the roster, a member twice, or an unknown status, naming the entry', () => {
    const sheet = attendanceSheet(roster, calendar, 'grp_a-s04', now)!;
    expect(attendanceWrites({ entries: [{ memberId: 'mbr_gone01', status: 'absent' }] }, sheet)).toEqual({
      ok: false,
      field: 'entries[0].memberId',
      message: 'entries[0].memberId must be a member on this group’s roster',
    });
    expect(
      attendanceWrites(
        {
          entries: [
            { memberId: 'mbr_bbbbbb', status: 'absent' },
            { memberId: 'mbr_bbbbbb', status: 'excused' },
          ],
        },
        sheet,
      ),
    ).toMatchObject({ ok: false, field: 'entries[1].memberId' });
    expect(attendanceWrites({ entries: [{ memberId: 'mbr_bbbbbb', status: 'late' }] }, sheet)).toMatchObject({
      ok: false,
      field: 'entries[0].status',
    });
    expect(attendanceWrites({ entries: [] }, sheet)).toMatchObject({ ok: false, field: 'entries' });
    expect(attendanceWrites('nonsense', sheet)).toMatchObject({ ok: false, field: 'entries' });
  });
});

describe('outcome charts and service errors', () => {
  const trajectory = {
    memberId: 'mbr_aaaaaa',
    instruments: [
      {
        instrument: 'phq-9',
        measures: [
          {
            administeredAt: '2026-10-01T10:00:00.000Z',
            total: 16,
            band: 'moderately-severe',
            point: 'baseline',
            item9: 1,
          },
          { administeredAt: '2026-11-01T10:00:00.000Z', total: 9, band: 'mild', point: 'follow-up', item9: 0 },
        ],
        baseline: 16,
        latest: 9,
        changeFromBaseline: -7,
      },
      { instrument: 'pcl-5', measures: [], baseline: null, latest: null, changeFromBaseline: null },
    ],
  };

  it('charts PHQ-9 and GAD-7 with DOMAIN.md’s bands; item 9 for the care team only', () => {
    const [phq9, gad7] = outcomeChartsFor(trajectory, 'facilitator');
    expect(phq9).toMatchObject({ instrument: 'PHQ-9', max: 27, baseline: 16, latest: 9, changeFromBaseline: -7 });
    expect(phq9!.bands.map((band) => `${band.from}-${band.to} ${band.label}`)).toEqual([
      '0-4 minimal',
      '5-9 mild',
      '10-14 moderate',
      '15-19 moderately severe',
      '20-27 severe',
    ]);
    expect(phq9!.points).toEqual([
      { at: '2026-10-01T10:00:00.000Z', total: 16, band: 'moderately-severe', point: 'baseline' },
      { at: '2026-11-01T10:00:00.000Z', total: 9, band: 'mild', point: 'follow-up' },
    ]);
    expect(gad7).toMatchObject({ instrument: 'GAD-7', max: 21, points: [], latest: null });
    expect(gad7!.bands.map((band) => band.to)).toEqual([4, 9, 14, 21]);
    expect(outcomeChartsFor(trajectory, 'clinician')[0]!.points.map((p) => p.item9)).toEqual([1, 0]);
  });

  it('gives the PHQ-9 chart its meaningful change and flags a latest item 9 above zero to every reader, without the answer', () => {
    const [phq9, gad7] = outcomeChartsFor(trajectory, 'facilitator');
    expect([phq9!.meaningfulChange, gad7!.meaningfulChange]).toEqual([5, 4]);
    expect(phq9!.item9FlaggedAt).toBeNull(); // the latest PHQ-9 answered item 9 with 0
    const worse = {
      ...trajectory,
      instruments: [
        {
          ...trajectory.instruments[0]!,
          measures: [
            ...trajectory.instruments[0]!.measures,
            { administeredAt: '2026-11-15T10:00:00.000Z', total: 12, band: 'moderate', point: 'follow-up', item9: 2 },
          ],
        },
      ],
    };
    const [flagged] = outcomeChartsFor(worse, 'facilitator');
    expect(flagged!.item9FlaggedAt).toBe('2026-11-15T10:00:00.000Z');
    expect(JSON.stringify(flagged)).not.toMatch(/item9"/);
    expect(outcomeChartsFor(worse, 'clinician')[0]!.item9FlaggedAt).toBe('2026-11-15T10:00:00.000Z');
  });

  it('keeps a service’s 4xx and its explanation, and turns anything else into a 502 naming the service', () => {
    expect(
      consoleErrorOf('scheduling', 422, { detail: 'Attendance can be recorded once the session has started.' }),
    ).toEqual({ status: 422, message: 'scheduling: Attendance can be recorded once the session has started.' });
    expect(consoleErrorOf('outcomes', 400, { message: ['instrument must be one of PHQ-9, GAD-7'] })).toEqual({
      status: 400,
      message: 'outcomes: instrument must be one of PHQ-9, GAD-7',
    });
    expect(consoleErrorOf('clinician-liaison', 404, undefined)).toEqual({
      status: 404,
      message: 'clinician-liaison answered 404',
    });
    expect(consoleErrorOf('outcomes', 500, { detail: 'mbr_secret' })).toEqual({
      status: 502,
      message: 'The outcomes service is unavailable; try again shortly',
    });
    expect(consoleErrorOf('outcomes', undefined, undefined)).toMatchObject({ status: 502 });
  });
});
