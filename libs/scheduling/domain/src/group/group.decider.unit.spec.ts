import { spec } from '@carecircle/shared-kernel';
import { defaultSchedulingPolicy } from '../policy/scheduling-policy';
import { planCourseSessions, sessionIdFor } from './course-sessions';
import type { GroupDetails, GroupEvent } from './group';
import { groupDecider } from './group.decider';

const decider = groupDecider(defaultSchedulingPolicy);
const meta = (now: string) => ({ now: new Date(now), correlationId: 'corr-1', causationId: 'cause-1' });

/** Weekly, 8 weeks, Tuesdays 18:00 Berlin from 17 March 2026: crosses the change to summer time on 29 March. */
const details: GroupDetails = {
  groupId: 'grp_berlin_tue',
  groupType: 'disease-specific',
  condition: 'cancer',
  seats: 8,
  openness: 'closed',
  modality: 'hybrid',
  locationId: 'loc_room_2',
  videoLink: 'https://video.example.test/room-2',
  facilitatorIds: ['fac_sw_01'],
  ageBand: { min: 18, max: 99 },
  cadence: 'weekly',
  sessionMinutes: 90,
  courseWeeks: 8,
  firstSessionAt: '2026-03-17T17:00:00.000Z',
  timeZone: 'Europe/Berlin',
};
const formedAt = '2026-03-01T09:00:00.000Z';
const formed = decider.decide(
  { type: 'FormGroup', data: details, metadata: meta(formedAt) },
  decider.initialState,
) as GroupEvent[];
const sessionStart = (n: number) => (formed[n] as Extract<GroupEvent, { type: 'SessionScheduled' }>).data.startsAt;
const enrolled = { status: 'enrolled' as const, enrolledAt: '2026-03-10T10:00:00.000Z' };

function record(memberId: string, sequence: number, status: 'attended-in-person' | 'absent' = 'attended-in-person') {
  return {
    type: 'RecordAttendance' as const,
    data: { sessionId: sessionIdFor(details.groupId, sequence), memberId, status, member: enrolled },
    metadata: meta('2026-05-20T10:00:00.000Z'),
  };
}
function recorded(
  memberId: string,
  sequence: number,
  attendedSoFar: number,
  status: 'attended-in-person' | 'absent' = 'attended-in-person',
): GroupEvent {
  return {
    type: 'AttendanceRecorded',
    data: {
      groupId: details.groupId,
      memberId,
      sessionId: sessionIdFor(details.groupId, sequence),
      sessionStartsAt: sessionStart(sequence),
      status,
      sessionsAttended: attendedSoFar,
      recordedAt: '2026-05-20T10:00:00.000Z',
    },
  };
}

describe('course sessions', () => {
  it('keeps 18:00 Berlin wall-clock time across the daylight-saving change (UTC moves by an hour)', () => {
    const sessions = planCourseSessions(details);
    expect(sessions).toHaveLength(8);
    expect(sessions.slice(0, 3).map((s) => s.startsAt)).toEqual([
      '2026-03-17T17:00:00.000Z',
      '2026-03-24T17:00:00.000Z',
      '2026-03-31T16:00:00.000Z',
    ]);
    expect(sessions[7]).toEqual({
      sequence: 8,
      startsAt: '2026-05-05T16:00:00.000Z',
      endsAt: '2026-05-05T17:30:00.000Z',
    });
  });

  it('follows the cadence: biweekly halves the sessions, monthly steps by calendar month in the zone', () => {
    expect(planCourseSessions({ ...details, cadence: 'biweekly' })).toHaveLength(4);
    const monthly = planCourseSessions({
      ...details,
      cadence: 'monthly',
      courseWeeks: 12,
      firstSessionAt: '2026-10-06T16:00:00.000Z',
    });
    expect(monthly.map((s) => s.startsAt)).toEqual([
      '2026-10-06T16:00:00.000Z',
      '2026-11-06T17:00:00.000Z',
      '2026-12-06T17:00:00.000Z',
    ]);
  });
});

describe('group decider', () => {
  it('forms a group and schedules its whole course', () => {
    expect(formed[0]).toEqual({ type: 'GroupFormed', data: { ...details, formedAt } });
    expect(formed.filter((e) => e.type === 'SessionScheduled')).toHaveLength(8);
  });

  it('accepts the same formation again without new events, and refuses different facts under the same id', () => {
    spec(decider)
      .given(formed)
      .when({ type: 'FormGroup', data: details, metadata: meta(formedAt) })
      .then([]);
    spec(decider)
      .given(formed)
      .when({ type: 'FormGroup', data: { ...details, seats: 10 }, metadata: meta(formedAt) })
      .thenFails('scheduling.group-exists', /different group/);
  });

  it('refuses an unknown time zone and an online group without a video link', () => {
    spec(decider)
      .given([])
      .when({ type: 'FormGroup', data: { ...details, timeZone: 'Mars/Olympus' }, metadata: meta(formedAt) })
      .thenFails('scheduling.unknown-time-zone');
    spec(decider)
      .given([])
      .when({ type: 'FormGroup', data: { ...details, modality: 'online', videoLink: null }, metadata: meta(formedAt) })
      .thenFails('scheduling.video-link-required');
  });

  it('publishes only the fields that really changed', () => {
    spec(decider)
      .given(formed)
      .when({
        type: 'ChangeGroup',
        data: { changes: { seats: 10, facilitatorIds: ['fac_sw_01'] } },
        metadata: meta('2026-03-05T09:00:00.000Z'),
      })
      .then([
        {
          type: 'GroupChanged',
          data: { ...details, seats: 10, changedFields: ['seats'], changedAt: '2026-03-05T09:00:00.000Z' },
        },
      ]);
  });

  it('reschedules a future session keeping its length, and cancels one with a reason', () => {
    const s2 = sessionIdFor(details.groupId, 2);
    spec(decider)
      .given(formed)
      .when({
        type: 'RescheduleSession',
        data: { sessionId: s2, startsAt: '2026-03-25T17:00:00.000Z' },
        metadata: meta('2026-03-18T09:00:00.000Z'),
      })
      .then([
        {
          type: 'SessionRescheduled',
          data: {
            groupId: details.groupId,
            sessionId: s2,
            sequence: 2,
            timeZone: 'Europe/Berlin',
            startsAt: '2026-03-25T17:00:00.000Z',
            endsAt: '2026-03-25T18:30:00.000Z',
            previousStartsAt: '2026-03-24T17:00:00.000Z',
            previousEndsAt: '2026-03-24T18:30:00.000Z',
          },
        },
      ]);
    spec(decider)
      .given(formed)
      .when({
        type: 'CancelSession',
        data: { sessionId: s2, reason: 'holiday' },
        metadata: meta('2026-03-18T09:00:00.000Z'),
      })
      .then([
        {
          type: 'SessionCancelled',
          data: {
            groupId: details.groupId,
            sessionId: s2,
            sequence: 2,
            timeZone: 'Europe/Berlin',
            startsAt: '2026-03-24T17:00:00.000Z',
            endsAt: '2026-03-24T18:30:00.000Z',
            reason: 'holiday',
          },
        },
      ]);
  });

  it('counts a revision for every reschedule and cancellation of a session (the calendar SEQUENCE)', () => {
    const s2 = sessionIdFor(details.groupId, 2);
    const at = meta('2026-03-18T09:00:00.000Z');
    let state = formed.reduce(decider.evolve, decider.initialState);
    const revisionOf = (sessionId: string) =>
      state.status === 'none' ? undefined : state.sessions.find((s) => s.sessionId === sessionId)?.revision;
    expect(revisionOf(s2)).toBe(0);
    for (const command of [
      { type: 'RescheduleSession', data: { sessionId: s2, startsAt: '2026-03-25T17:00:00.000Z' }, metadata: at },
      { type: 'RescheduleSession', data: { sessionId: s2, startsAt: '2026-03-26T17:00:00.000Z' }, metadata: at },
      { type: 'CancelSession', data: { sessionId: s2, reason: 'holiday' }, metadata: at },
    ] as const) {
      state = (decider.decide(command, state) as GroupEvent[]).reduce(decider.evolve, state);
    }
    expect(revisionOf(s2)).toBe(3);
    expect(revisionOf(sessionIdFor(details.groupId, 3))).toBe(0);
  });

  it('cancels the remaining sessions when the group closes', () => {
    const outcome = decider.decide(
      { type: 'CloseGroup', data: { reason: 'too-few-members' }, metadata: meta('2026-04-20T09:00:00.000Z') },
      formed.reduce(decider.evolve, decider.initialState),
    );
    expect((outcome as GroupEvent[]).map((e) => e.type)).toEqual([
      'SessionCancelled',
      'SessionCancelled',
      'SessionCancelled',
      'GroupClosed',
    ]);
  });

  it("keeps a closed group's roster fixed at its first session", () => {
    spec(decider)
      .given(formed)
      .when({
        ...record('mbr_late_0001', 2),
        data: {
          ...record('mbr_late_0001', 2).data,
          member: { status: 'enrolled', enrolledAt: '2026-03-20T10:00:00.000Z' },
        },
      })
      .thenFails('scheduling.closed-roster', /fixed at its first session/);
  });

  it('refuses attendance for someone not on the roster and for a session not yet started', () => {
    spec(decider)
      .given(formed)
      .when({ ...record('mbr_other_0001', 1), data: { ...record('mbr_other_0001', 1).data, member: null } })
      .thenFails('scheduling.not-on-roster');
    spec(decider)
      .given(formed)
      .when({ ...record('mbr_a_000001', 8), metadata: meta('2026-04-01T10:00:00.000Z') })
      .thenFails('scheduling.session-not-started');
  });

  it('records attendance once; a different status needs a correction, which is an event of its own', () => {
    const history = [...formed, recorded('mbr_a_000001', 1, 0, 'absent')];
    spec(decider)
      .given(history)
      .when(record('mbr_a_000001', 1, 'absent'))
      .then([]);
    spec(decider).given(history).when(record('mbr_a_000001', 1)).thenFails('scheduling.attendance-already-recorded');
    spec(decider)
      .given(history)
      .when({
        type: 'CorrectAttendance',
        data: { sessionId: sessionIdFor(details.groupId, 1), memberId: 'mbr_a_000001', status: 'attended-online' },
        metadata: meta('2026-05-21T10:00:00.000Z'),
      })
      .then([
        {
          type: 'AttendanceCorrected',
          data: {
            groupId: details.groupId,
            memberId: 'mbr_a_000001',
            sessionId: sessionIdFor(details.groupId, 1),
            sessionStartsAt: sessionStart(1),
            status: 'attended-online',
            previousStatus: 'absent',
            sessionsAttended: 1,
            correctedAt: '2026-05-21T10:00:00.000Z',
          },
        },
      ]);
  });

  it('reaches the dose at the sixth attended session, once', () => {
    const five = [1, 2, 3, 4, 5].map((n) => recorded('mbr_a_000001', n, n));
    spec(decider)
      .given([...formed, ...five])
      .when(record('mbr_a_000001', 6))
      .then([
        recorded('mbr_a_000001', 6, 6),
        {
          type: 'DoseReached',
          data: {
            groupId: details.groupId,
            memberId: 'mbr_a_000001',
            sessionsAttended: 6,
            doseSessions: 6,
            reachedAt: '2026-05-20T10:00:00.000Z',
          },
        },
      ]);
  });

  it('honours a configured dose', () => {
    const five = [1, 2, 3, 4].map((n) => recorded('mbr_a_000001', n, n));
    const outcome = groupDecider({ doseSessions: 5 }).decide(
      record('mbr_a_000001', 5),
      [...formed, ...five].reduce(decider.evolve, decider.initialState),
    );
    expect((outcome as GroupEvent[]).map((e) => e.type)).toEqual(['AttendanceRecorded', 'DoseReached']);
  });

  it('flags a member off track at the midpoint when the dose is out of reach', () => {
    const history = [
      ...formed,
      recorded('mbr_b_000001', 1, 1),
      recorded('mbr_b_000001', 2, 1, 'absent'),
      recorded('mbr_b_000001', 3, 1, 'absent'),
    ];
    spec(decider)
      .given(history)
      .when(record('mbr_b_000001', 4, 'absent'))
      .then([
        recorded('mbr_b_000001', 4, 1, 'absent'),
        {
          type: 'OffTrackForDose',
          data: {
            groupId: details.groupId,
            memberId: 'mbr_b_000001',
            sessionsAttended: 1,
            sessionsHeld: 4,
            sessionsRemaining: 4,
            doseSessions: 6,
            reason: 'unreachable',
            assessedAt: '2026-05-20T10:00:00.000Z',
          },
        },
      ]);
  });

  it('flags a member whose rate would miss the dose even though it is still reachable', () => {
    const history = [
      ...formed,
      recorded('mbr_c_000001', 1, 1),
      recorded('mbr_c_000001', 2, 2),
      recorded('mbr_c_000001', 3, 2, 'absent'),
    ];
    const outcome = decider.decide(
      record('mbr_c_000001', 4, 'absent'),
      history.reduce(decider.evolve, decider.initialState),
    ) as GroupEvent[];
    expect(outcome[1]).toMatchObject({
      type: 'OffTrackForDose',
      data: { reason: 'unlikely-at-current-rate', sessionsAttended: 2 },
    });
  });

  it('does not flag a member on track at the midpoint', () => {
    const history = [...formed, ...[1, 2, 3].map((n) => recorded('mbr_d_000001', n, n))];
    spec(decider)
      .given(history)
      .when(record('mbr_d_000001', 4))
      .then([recorded('mbr_d_000001', 4, 4)]);
  });
});

describe('group formation replayed from a store that reorders keys', () => {
  it('still recognises the same formation', () => {
    const reordered = JSON.parse(
      JSON.stringify({
        ...formed[0]!,
        data: { ...(formed[0] as Extract<GroupEvent, { type: 'GroupFormed' }>).data, ageBand: { max: 99, min: 18 } },
      }),
    ) as GroupEvent;
    spec(decider)
      .given([reordered, ...formed.slice(1)])
      .when({ type: 'FormGroup', data: details, metadata: meta(formedAt) })
      .then([]);
  });
});

describe('saving a group session (the facilitator’s whole sheet)', () => {
  const at = '2026-05-20T10:00:00.000Z';
  // Session 2: before the course midpoint, so no OffTrackForDose joins the attendance events.
  const session2 = sessionIdFor(details.groupId, 2);
  const members = { mbr_g_000001: enrolled, mbr_g_000002: enrolled, mbr_g_000003: enrolled };
  const save = (entries: { memberId: string; status: 'attended-in-person' | 'absent'; note?: string }[]) => ({
    type: 'SaveGroupSession' as const,
    data: { sessionId: session2, entries, members, writtenBy: 'fac_sw_01' },
    metadata: meta(at),
  });
  const note = (memberId: string, text: string): GroupEvent => ({
    type: 'SessionNoteWritten',
    data: {
      groupId: details.groupId,
      sessionId: session2,
      memberId,
      note: text,
      writtenBy: 'fac_sw_01',
      writtenAt: at,
    },
  });

  it('records each member as a single record would, so the dose counts the same, with the notes that changed', () => {
    spec(decider)
      .given([...formed, recorded('mbr_g_000001', 1, 1)])
      .when(
        save([
          { memberId: 'mbr_g_000001', status: 'attended-in-person', note: 'Spoke for the first time about the scan.' },
          { memberId: 'mbr_g_000002', status: 'absent' },
        ]),
      )
      .then([
        recorded('mbr_g_000001', 2, 2),
        note('mbr_g_000001', 'Spoke for the first time about the scan.'),
        recorded('mbr_g_000002', 2, 0, 'absent'),
      ]);
  });

  it('corrects a changed status, leaves an unchanged one and an unchanged note alone, and clears a note with ""', () => {
    const history = [
      ...formed,
      recorded('mbr_g_000001', 2, 1),
      note('mbr_g_000001', 'Tired.'),
      recorded('mbr_g_000002', 2, 1),
    ];
    const outcome = decider.decide(
      save([
        { memberId: 'mbr_g_000001', status: 'attended-in-person', note: 'Tired.' },
        { memberId: 'mbr_g_000002', status: 'absent', note: '' },
      ]),
      history.reduce(decider.evolve, decider.initialState),
    ) as GroupEvent[];
    expect(outcome.map((event) => event.type)).toEqual(['AttendanceCorrected']);
    expect(outcome[0]).toMatchObject({
      data: { memberId: 'mbr_g_000002', status: 'absent', previousStatus: 'attended-in-person', sessionsAttended: 0 },
    });
    const cleared = decider.decide(
      save([{ memberId: 'mbr_g_000001', status: 'attended-in-person', note: '' }]),
      history.reduce(decider.evolve, decider.initialState),
    );
    expect(cleared).toEqual([note('mbr_g_000001', '')]);
  });

  it('reaches the dose on the sheet that brings the sixth attended session', () => {
    const fiveAttended = [1, 2, 3, 4, 5].map((n) => recorded('mbr_g_000003', n, n));
    const sheet = save([{ memberId: 'mbr_g_000003', status: 'attended-in-person' }]);
    const sixth = decider.decide(
      { ...sheet, data: { ...sheet.data, sessionId: sessionIdFor(details.groupId, 6) } },
      [...formed, ...fiveAttended].reduce(decider.evolve, decider.initialState),
    ) as GroupEvent[];
    expect(sixth.map((event) => event.type)).toEqual(['AttendanceRecorded', 'DoseReached']);
  });

  it('refuses the whole sheet when one entry is refused: nothing of it is recorded', () => {
    spec(decider)
      .given(formed)
      .when({
        ...save([
          { memberId: 'mbr_g_000001', status: 'attended-in-person' },
          { memberId: 'mbr_g_999999', status: 'attended-in-person' },
        ]),
      })
      .thenFails('scheduling.not-on-roster');
  });

  it('refuses a note that is too long or has control characters, an empty sheet and a member named twice', () => {
    const entry = { memberId: 'mbr_g_000001', status: 'attended-in-person' as const };
    spec(decider)
      .given(formed)
      .when(save([{ ...entry, note: 'x'.repeat(501) }]))
      .thenFails('scheduling.note-invalid');
    spec(decider)
      .given(formed)
      .when(save([{ ...entry, note: 'ok\u0000hidden' }]))
      .thenFails('scheduling.note-invalid');
    spec(decider).given(formed).when(save([])).thenFails('scheduling.sheet-empty');
    spec(decider)
      .given(formed)
      .when(save([entry, entry]))
      .thenFails('scheduling.sheet-member-twice');
    expect(
      decider.decide(
        save([{ ...entry, note: 'Two lines:\nboth kept.' }]),
        formed.reduce(decider.evolve, decider.initialState),
      ),
    ).toHaveLength(2);
  });

  it('refuses a session that has not started yet', () => {
    spec(decider)
      .given(formed)
      .when({ ...save([{ memberId: 'mbr_g_000001', status: 'absent' }]), metadata: meta('2026-03-01T10:00:00.000Z') })
      .thenFails('scheduling.session-not-started');
  });
});
