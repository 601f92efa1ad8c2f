import { spec } from '@carecircle/shared-kernel';
import { defaultSchedulingPolicy } from '../policy/scheduling-policy';
import {
  sessionsWhileMember,
  type GroupSessionSlot,
  type MemberLoadCommand,
  type MemberLoadEvent,
  type TherapeuticContact,
} from './member-load';
import { loadIfBooked, memberLoadDecider } from './member-load.decider';

const decider = memberLoadDecider(defaultSchedulingPolicy);
const now = '2026-03-20T10:00:00.000Z';
const meta = { now: new Date(now), correlationId: 'corr-1', causationId: 'cause-1' };
const memberId = 'mbr_load_0001';
const groupSessions: GroupSessionSlot[] = [
  {
    groupId: 'grp_berlin_tue',
    sessionId: 'grp_berlin_tue-s03',
    start: '2026-03-31T16:00:00.000Z',
    end: '2026-03-31T17:30:00.000Z',
  },
  {
    groupId: 'grp_berlin_tue',
    sessionId: 'grp_berlin_tue-s04',
    start: '2026-04-07T16:00:00.000Z',
    end: '2026-04-07T17:30:00.000Z',
  },
];
const cbt1: TherapeuticContact = {
  contactId: 'tc_cbt_1',
  kind: 'cbt',
  start: '2026-04-01T09:00:00.000Z',
  end: '2026-04-01T09:50:00.000Z',
};
const cbt2: TherapeuticContact = {
  contactId: 'tc_cbt_2',
  kind: 'cbt',
  start: '2026-04-03T09:00:00.000Z',
  end: '2026-04-03T09:50:00.000Z',
};
const booked = (c: TherapeuticContact): MemberLoadEvent => ({
  type: 'TherapeuticContactBooked',
  data: { ...c, memberId, bookedAt: now },
});

describe('member load decider', () => {
  it('books a contact and publishes the load of its busiest rolling week, group sessions included', () => {
    spec(decider)
      .given([])
      .when({ type: 'BookContact', data: { memberId, contact: cbt1, groupSessions }, metadata: meta })
      .then([
        booked(cbt1),
        {
          type: 'TherapeuticLoadChanged',
          data: {
            memberId,
            windowStart: '2026-03-31T16:00:00.000Z',
            windowEnd: '2026-04-07T16:00:00.000Z',
            contacts: 2,
            byKind: { 'group-session': 1, cbt: 1, psychiatry: 0, palliative: 0, 'individual-counseling': 0 },
            cap: 3,
            overCap: false,
            changedAt: now,
          },
        },
      ]);
  });

  it('goes over the cap (default 3) with two CBT sessions and a psychiatry visit in the group week', () => {
    const psy: TherapeuticContact = {
      contactId: 'tc_psy_1',
      kind: 'psychiatry',
      start: '2026-04-02T09:00:00.000Z',
      end: '2026-04-02T09:30:00.000Z',
    };
    const outcome = decider.decide(
      { type: 'BookContact', data: { memberId, contact: psy, groupSessions }, metadata: meta },
      [booked(cbt1), booked(cbt2)].reduce(decider.evolve, decider.initialState),
    );
    expect((outcome as MemberLoadEvent[])[1]).toMatchObject({
      type: 'TherapeuticLoadChanged',
      data: { contacts: 4, overCap: true },
    });
  });

  it('detects a contact overlapping a group session, and one too close to it', () => {
    const overlapping: TherapeuticContact = {
      contactId: 'tc_pal_1',
      kind: 'palliative',
      start: '2026-03-31T15:30:00.000Z',
      end: '2026-03-31T16:20:00.000Z',
    };
    const outcome = decider.decide(
      { type: 'BookContact', data: { memberId, contact: overlapping, groupSessions }, metadata: meta },
      decider.initialState,
    ) as MemberLoadEvent[];
    expect(outcome[2]).toEqual({
      type: 'SchedulingConflictDetected',
      data: {
        memberId,
        groupId: 'grp_berlin_tue',
        sessionId: 'grp_berlin_tue-s03',
        sessionStartsAt: groupSessions[0]!.start,
        sessionEndsAt: groupSessions[0]!.end,
        contactId: 'tc_pal_1',
        contactKind: 'palliative',
        contactStart: overlapping.start,
        contactEnd: overlapping.end,
        conflict: 'overlap',
        gapMinutes: 0,
        windowMinutes: 30,
        detectedAt: now,
      },
    });
    const close: TherapeuticContact = {
      ...overlapping,
      contactId: 'tc_pal_2',
      start: '2026-03-31T17:40:00.000Z',
      end: '2026-03-31T18:30:00.000Z',
    };
    const near = decider.decide(
      { type: 'BookContact', data: { memberId, contact: close, groupSessions }, metadata: meta },
      decider.initialState,
    ) as MemberLoadEvent[];
    expect(near[2]).toMatchObject({ data: { conflict: 'too-close', gapMinutes: 10 } });
  });

  it('is idempotent for the same booking and refuses different facts under the same contact id', () => {
    spec(decider)
      .given([booked(cbt1)])
      .when({ type: 'BookContact', data: { memberId, contact: cbt1, groupSessions }, metadata: meta })
      .then([]);
    spec(decider)
      .given([booked(cbt1)])
      .when({
        type: 'BookContact',
        data: { memberId, contact: { ...cbt1, kind: 'psychiatry' }, groupSessions },
        metadata: meta,
      })
      .thenFails('scheduling.contact-exists');
  });

  it('changes and cancels a contact, republishing the load without it', () => {
    const outcome = decider.decide(
      {
        type: 'ChangeContact',
        data: {
          memberId,
          contactId: 'tc_cbt_1',
          time: { start: '2026-04-20T09:00:00.000Z', end: '2026-04-20T09:50:00.000Z' },
          groupSessions,
        },
        metadata: meta,
      },
      decider.evolve(decider.initialState, booked(cbt1)),
    ) as MemberLoadEvent[];
    expect(outcome.map((e) => e.type)).toEqual(['TherapeuticContactChanged', 'TherapeuticLoadChanged']);
    spec(decider)
      .given([booked(cbt1), booked(cbt2)])
      .when({ type: 'CancelContact', data: { memberId, contactId: 'tc_cbt_2', groupSessions }, metadata: meta })
      .then([
        { type: 'TherapeuticContactCancelled', data: { ...cbt2, memberId, cancelledAt: now } },
        {
          type: 'TherapeuticLoadChanged',
          data: {
            memberId,
            windowStart: '2026-03-31T16:00:00.000Z',
            windowEnd: '2026-04-07T16:00:00.000Z',
            contacts: 2,
            byKind: { 'group-session': 1, cbt: 1, psychiatry: 0, palliative: 0, 'individual-counseling': 0 },
            cap: 3,
            overCap: false,
            changedAt: now,
          },
        },
      ]);
    spec(decider)
      .given([booked(cbt1)])
      .when({ type: 'CancelContact', data: { memberId, contactId: 'tc_none', groupSessions }, metadata: meta })
      .thenFails('scheduling.contact-unknown');
  });

  it('refuses a contact that ends before it starts', () => {
    spec(decider)
      .given([])
      .when({
        type: 'BookContact',
        data: { memberId, contact: { ...cbt1, end: cbt1.start }, groupSessions },
        metadata: meta,
      })
      .thenFails('scheduling.contact-ends-before-start');
  });

  it('answers "what if booked" without deciding anything: crossing the cap and clashes', () => {
    const state = [booked(cbt1), booked(cbt2)].reduce(decider.evolve, decider.initialState);
    const answer = loadIfBooked(
      state,
      { kind: 'psychiatry', start: '2026-03-31T17:00:00.000Z', end: '2026-03-31T17:30:00.000Z' },
      groupSessions,
      defaultSchedulingPolicy,
    );
    expect(answer.current.contacts).toBe(3);
    expect(answer.ifBooked).toMatchObject({ contacts: 4, overCap: true });
    expect(answer.wouldCrossCap).toBe(true);
    expect(answer.conflicts).toEqual([
      {
        groupId: 'grp_berlin_tue',
        sessionId: 'grp_berlin_tue-s03',
        start: groupSessions[0]!.start,
        end: groupSessions[0]!.end,
        conflict: 'overlap',
        gapMinutes: 0,
      },
    ]);
  });

  describe("reassessment when the member's group sessions change", () => {
    const reassess = (
      state: ReturnType<typeof decider.evolve>,
      slots: GroupSessionSlot[],
      anchors: { start: string; end: string }[],
      affectedSessionIds: string[],
    ) =>
      decider.decide(
        { type: 'ReassessLoad', data: { memberId, groupSessions: slots, anchors, affectedSessionIds }, metadata: meta },
        state,
      ) as MemberLoadEvent[];
    const s3 = groupSessions[0]!;
    // s03 moved onto cbt1's morning: it now overlaps it.
    const moved: GroupSessionSlot = { ...s3, start: '2026-04-01T08:30:00.000Z', end: '2026-04-01T10:00:00.000Z' };

    it('says nothing for a member with no other contacts whose load stays within the cap', () => {
      expect(
        reassess(
          decider.initialState,
          groupSessions,
          groupSessions,
          groupSessions.map((s) => s.sessionId),
        ),
      ).toEqual([]);
    });

    it('republishes the load and reports the clash of a moved session, once', () => {
      const state = [booked(cbt1), booked(cbt2)].reduce(decider.evolve, decider.initialState);
      const slots = [moved, groupSessions[1]!];
      const events = reassess(state, slots, [moved, s3], [s3.sessionId]);
      expect(events.map((e) => e.type)).toEqual(['TherapeuticLoadChanged', 'SchedulingConflictDetected']);
      expect(events[1]!.data).toMatchObject({
        sessionId: s3.sessionId,
        sessionStartsAt: moved.start,
        contactId: 'tc_cbt_1',
        conflict: 'overlap',
      });
      const after = events.reduce(decider.evolve, state);
      expect(reassess(after, slots, [moved, s3], [s3.sessionId])).toEqual([]);
    });

    it('reports a contact booked before the member joined the group that it clashes with', () => {
      const state = decider.evolve(
        decider.initialState,
        booked({ ...cbt1, start: '2026-03-31T17:40:00.000Z', end: '2026-03-31T18:30:00.000Z' }),
      );
      const events = reassess(
        state,
        groupSessions,
        groupSessions,
        groupSessions.map((s) => s.sessionId),
      );
      expect(events.map((e) => e.type)).toEqual(['TherapeuticLoadChanged', 'SchedulingConflictDetected']);
      expect(events[1]!.data).toMatchObject({ sessionId: s3.sessionId, conflict: 'too-close', gapMinutes: 10 });
    });
  });

  describe('leaving a group: its sessions stop counting from the withdrawal, and what no longer holds is resolved', () => {
    const grp = 'grp_berlin_tue';
    const psy: TherapeuticContact = {
      contactId: 'tc_psy_1',
      kind: 'psychiatry',
      start: '2026-04-02T09:00:00.000Z',
      end: '2026-04-02T09:30:00.000Z',
    };
    // Ends 10 minutes before s03 starts: too close to it.
    const pal: TherapeuticContact = {
      contactId: 'tc_pal_1',
      kind: 'palliative',
      start: '2026-03-31T15:00:00.000Z',
      end: '2026-03-31T15:50:00.000Z',
    };
    const s3 = groupSessions[0]!;
    // The busiest week starts at the palliative visit: it, s03, cbt1 and psy.
    const overloaded = { windowStart: pal.start, windowEnd: '2026-04-07T15:00:00.000Z' };
    const reassessWith = (slots: GroupSessionSlot[], anchors: { start: string; end: string }[]): MemberLoadCommand => ({
      type: 'ReassessLoad',
      data: { memberId, groupSessions: slots, anchors, affectedSessionIds: [] },
      metadata: meta,
    });
    // The member joined: s03 makes four contacts in its week (over the cap of 3) and clashes with the palliative visit.
    const joined = decider.decide(
      {
        type: 'ReassessLoad',
        data: {
          memberId,
          groupSessions,
          anchors: groupSessions,
          affectedSessionIds: groupSessions.map((s) => s.sessionId),
        },
        metadata: meta,
      },
      [booked(cbt1), booked(psy), booked(pal)].reduce(decider.evolve, decider.initialState),
    ) as MemberLoadEvent[];
    const history = [booked(cbt1), booked(psy), booked(pal), ...joined];

    it("counts a left group's sessions only before the withdrawal, and no group the member was never in", () => {
      const other: GroupSessionSlot = {
        groupId: 'grp_other',
        sessionId: 'grp_other-s01',
        start: s3.start,
        end: s3.end,
      };
      expect(
        sessionsWhileMember([...groupSessions, other], [{ groupId: grp, withdrawnAt: '2026-04-01T00:00:00.000Z' }]),
      ).toEqual([s3]);
      expect(sessionsWhileMember(groupSessions, [{ groupId: grp, withdrawnAt: null }])).toEqual(groupSessions);
      expect(sessionsWhileMember(groupSessions, [{ groupId: grp, withdrawnAt: s3.start }])).toEqual([]);
    });

    it('had reported the overload and the clash when the member joined', () => {
      expect(joined.map((e) => e.type)).toEqual(['TherapeuticLoadChanged', 'SchedulingConflictDetected']);
      expect(joined[0]!.data).toMatchObject({ ...overloaded, contacts: 4, overCap: true });
    });

    it('republishes the load without the left sessions and resolves the over-cap window and the clash, once', () => {
      spec(decider)
        .given(history)
        .when(reassessWith([], groupSessions))
        .then([
          {
            type: 'TherapeuticLoadChanged',
            data: {
              memberId,
              windowStart: pal.start,
              windowEnd: '2026-04-07T15:00:00.000Z',
              contacts: 3,
              byKind: { 'group-session': 0, cbt: 1, psychiatry: 1, palliative: 1, 'individual-counseling': 0 },
              cap: 3,
              overCap: false,
              changedAt: now,
            },
          },
          {
            type: 'SchedulingConflictResolved',
            data: {
              memberId,
              groupId: grp,
              sessionId: s3.sessionId,
              sessionStartsAt: s3.start,
              contactId: 'tc_pal_1',
              contactKind: 'palliative',
              contactStart: pal.start,
              resolvedAt: now,
            },
          },
          {
            type: 'TherapeuticOverloadResolved',
            data: { memberId, ...overloaded, contacts: 3, cap: 3, resolvedAt: now },
          },
        ]);
      const after = decider.decide(
        reassessWith([], groupSessions),
        history.reduce(decider.evolve, decider.initialState),
      ) as MemberLoadEvent[];
      spec(decider)
        .given([...history, ...after])
        .when(reassessWith([], groupSessions))
        .then([]);
    });

    it('keeps what still holds: a withdrawal after s03 leaves its week and its clash as they were', () => {
      const stillCounted = sessionsWhileMember(groupSessions, [
        { groupId: grp, withdrawnAt: '2026-04-05T00:00:00.000Z' },
      ]);
      const outcome = decider.decide(
        reassessWith(stillCounted, [groupSessions[1]!]),
        history.reduce(decider.evolve, decider.initialState),
      ) as MemberLoadEvent[];
      // Only the week of the left s04 is republished; nothing is resolved.
      expect(outcome.map((e) => e.type)).toEqual(['TherapeuticLoadChanged']);
      expect(outcome[0]!.data).toMatchObject({
        windowStart: cbt1.start,
        contacts: 2,
        byKind: { 'group-session': 0 },
        overCap: false,
      });
    });

    it('reports a clash again if it comes back after it was resolved (the member rejoined)', () => {
      const left = decider.decide(
        reassessWith([], groupSessions),
        history.reduce(decider.evolve, decider.initialState),
      ) as MemberLoadEvent[];
      const rejoined = decider.decide(
        {
          type: 'ReassessLoad',
          data: {
            memberId,
            groupSessions,
            anchors: groupSessions,
            affectedSessionIds: groupSessions.map((s) => s.sessionId),
          },
          metadata: meta,
        },
        [...history, ...left].reduce(decider.evolve, decider.initialState),
      ) as MemberLoadEvent[];
      expect(rejoined.map((e) => e.type)).toEqual(['TherapeuticLoadChanged', 'SchedulingConflictDetected']);
    });

    it('resolves the overload when the contact that made it is cancelled', () => {
      const outcome = decider.decide(
        { type: 'CancelContact', data: { memberId, contactId: 'tc_psy_1', groupSessions }, metadata: meta },
        history.reduce(decider.evolve, decider.initialState),
      ) as MemberLoadEvent[];
      expect(outcome.map((e) => e.type)).toEqual([
        'TherapeuticContactCancelled',
        'TherapeuticLoadChanged',
        'TherapeuticOverloadResolved',
      ]);
      expect(outcome[2]!.data).toMatchObject({ ...overloaded, contacts: 3 });
    });

    it('resolves the clash when the contact moves away from the session, and reports none twice', () => {
      const state = history.reduce(decider.evolve, decider.initialState);
      const outcome = decider.decide(
        {
          type: 'ChangeContact',
          data: {
            memberId,
            contactId: 'tc_pal_1',
            time: { start: '2026-04-01T14:00:00.000Z', end: '2026-04-01T14:50:00.000Z' },
            groupSessions,
          },
          metadata: meta,
        },
        state,
      ) as MemberLoadEvent[];
      expect(outcome.map((e) => e.type)).toEqual([
        'TherapeuticContactChanged',
        'TherapeuticLoadChanged',
        'SchedulingConflictResolved',
      ]);
      expect(outcome[2]!.data).toMatchObject({
        contactId: 'tc_pal_1',
        contactStart: pal.start,
        sessionId: s3.sessionId,
      });
    });
  });
});
