import { spec, type CommandMetadata } from '@carecircle/shared-kernel';
import type { GroupCapacity, GroupSeatsEvent, SeatHolder } from './group-seats';
import { groupSeatsDecider } from './group-seats.decider';

const metadata: CommandMetadata = {
  now: new Date('2026-03-02T09:00:00Z'),
  correlationId: 'corr-1',
  causationId: 'req-1',
};
const at = '2026-03-02T09:00:00.000Z';
const in48h = '2026-03-04T09:00:00.000Z';
const group: GroupCapacity = { groupId: 'grp_cancer_tue', seats: 6, openness: 'open', started: false, closed: false };
const member = (n: number): SeatHolder => ({
  referralId: `ref-${n}`,
  memberId: `mbr_synthetic_${String(n).padStart(4, '0')}`,
  memberRole: 'patient',
});
const enrolled = (n: number): GroupSeatsEvent => ({
  type: 'MemberEnrolled',
  data: { ...member(n), groupId: group.groupId, enrolledAt: at },
});
const waitlisted = (n: number, priority: 1 | 2 | 3, position: number): GroupSeatsEvent => ({
  type: 'MemberWaitlisted',
  data: { ...member(n), groupId: group.groupId, priority, position, waitlistedAt: at },
});
const offered = (n: number): GroupSeatsEvent => ({
  type: 'SeatOffered',
  data: { ...member(n), groupId: group.groupId, offeredAt: at, expiresAt: in48h },
});
const full = [1, 2, 3, 4, 5, 6].map(enrolled);
const then = spec(groupSeatsDecider);

describe('group seats', () => {
  it('enrols a member while a seat is free', () => {
    then
      .given([])
      .when({ type: 'EnrolInGroup', data: { group, candidate: member(1) }, metadata })
      .then([enrolled(1)]);
  });

  it('treats a repeated enrolment as already done', () => {
    then
      .given([enrolled(1)])
      .when({ type: 'EnrolInGroup', data: { group, candidate: member(1) }, metadata })
      .then([]);
  });

  it('refuses a full group and points to the waitlist', () => {
    then
      .given(full)
      .when({ type: 'EnrolInGroup', data: { group, candidate: member(7) }, metadata })
      .thenFails('enrollment.group-full', /waitlist/);
  });

  it('refuses a closed group that has started, even with free seats', () => {
    then
      .given([])
      .when({
        type: 'EnrolInGroup',
        data: { group: { ...group, openness: 'closed', started: true }, candidate: member(1) },
        metadata,
      })
      .thenFails('enrollment.closed-group-started', /roster stays fixed/);
  });

  it('waitlists on a closed group that has started only for its next course, with the reason, and never offers a seat there', () => {
    const startedClosed = { ...group, openness: 'closed' as const, started: true };
    then
      .given([])
      .when({
        type: 'JoinWaitlist',
        data: { group: startedClosed, candidate: member(1), priority: 2, reason: 'closed-group-started' },
        metadata,
      })
      .then([
        {
          type: 'MemberWaitlisted',
          data: {
            ...member(1),
            groupId: group.groupId,
            priority: 2,
            position: 1,
            waitlistedAt: at,
            reason: 'closed-group-started',
          },
        },
      ]);
    then
      .given([])
      .when({ type: 'JoinWaitlist', data: { group: startedClosed, candidate: member(1), priority: 2 }, metadata })
      .thenFails('enrollment.closed-group-started');
    then
      .given([])
      .when({
        type: 'JoinWaitlist',
        data: { group: { ...group, closed: true }, candidate: member(1), priority: 2, reason: 'closed-group-started' },
        metadata,
      })
      .thenFails('enrollment.group-closed');
  });

  it('lets an open group that has started take members mid-course', () => {
    then
      .given([])
      .when({ type: 'EnrolInGroup', data: { group: { ...group, started: true }, candidate: member(1) }, metadata })
      .then([enrolled(1)]);
  });

  it('refuses a group scheduling has closed', () => {
    then
      .given([])
      .when({
        type: 'JoinWaitlist',
        data: { group: { ...group, closed: true }, candidate: member(1), priority: 2 },
        metadata,
      })
      .thenFails('enrollment.group-closed');
  });

  it('waitlists first come, first served within a priority, urgent members ahead', () => {
    then
      .given([...full, waitlisted(7, 2, 1)])
      .when({ type: 'JoinWaitlist', data: { group, candidate: member(8), priority: 2 }, metadata })
      .then([waitlisted(8, 2, 2)]);
    then
      .given([...full, waitlisted(7, 2, 1)])
      .when({ type: 'JoinWaitlist', data: { group, candidate: member(9), priority: 1 }, metadata })
      .then([waitlisted(9, 1, 1)]);
  });

  it('offers a freed seat to the most urgent, longest-waiting member, with an expiry from the policy', () => {
    const history = [...full, waitlisted(7, 2, 1), waitlisted(8, 2, 2), waitlisted(9, 1, 1)];
    then
      .given(history)
      .when({ type: 'LeaveGroup', data: { group, memberId: member(1).memberId, reason: 'member-request' }, metadata })
      .then([
        {
          type: 'MemberWithdrew',
          data: { ...member(1), groupId: group.groupId, reason: 'member-request', withdrewAt: at },
        },
        offered(9),
      ]);
  });

  it('keeps an offered seat for the offer: a newcomer cannot take it', () => {
    const history = [
      ...full,
      waitlisted(7, 2, 1),
      {
        type: 'MemberWithdrew',
        data: { ...member(1), groupId: group.groupId, reason: 'other', withdrewAt: at },
      } as GroupSeatsEvent,
      offered(7),
    ];
    then
      .given(history)
      .when({ type: 'EnrolInGroup', data: { group, candidate: member(8) }, metadata })
      .thenFails('enrollment.group-full');
    then
      .given(history)
      .when({ type: 'AcceptOffer', data: { group, memberId: member(7).memberId }, metadata })
      .then([enrolled(7)]);
  });

  it('lapses offers whose time is up and offers the seat to the next in line', () => {
    const history = [...full.slice(0, 5), waitlisted(7, 2, 1), waitlisted(8, 2, 2), offered(7)];
    const later: CommandMetadata = { ...metadata, now: new Date(in48h) };
    then
      .given(history)
      .when({ type: 'ExpireOffers', data: { group }, metadata: later })
      .then([
        { type: 'OfferExpired', data: { ...member(7), groupId: group.groupId, expiredAt: in48h } },
        {
          type: 'SeatOffered',
          data: { ...member(8), groupId: group.groupId, offeredAt: in48h, expiresAt: '2026-03-06T09:00:00.000Z' },
        },
      ]);
    then.given(history).when({ type: 'ExpireOffers', data: { group }, metadata }).then([]);
    then
      .given(history)
      .when({ type: 'AcceptOffer', data: { group, memberId: member(7).memberId }, metadata: later })
      .thenFails('enrollment.offer-expired');
  });

  it('does not offer seats of a closed group that has started', () => {
    const history = [...full, waitlisted(7, 2, 1)];
    then
      .given(history)
      .when({
        type: 'LeaveGroup',
        data: {
          group: { ...group, openness: 'closed', started: true },
          memberId: member(1).memberId,
          reason: 'clinical',
        },
        metadata,
      })
      .then([
        { type: 'MemberWithdrew', data: { ...member(1), groupId: group.groupId, reason: 'clinical', withdrewAt: at } },
      ]);
  });

  it('offers new seats when the group grows, and takes a waiting member off the list when they leave', () => {
    const history = [...full, waitlisted(7, 2, 1)];
    then
      .given(history)
      .when({ type: 'OfferFreeSeats', data: { group: { ...group, seats: 7 } }, metadata })
      .then([offered(7)]);
    then
      .given(history)
      .when({
        type: 'LeaveGroup',
        data: { group, memberId: member(7).memberId, reason: 'consent-withdrawn' },
        metadata,
      })
      .then([
        {
          type: 'WaitlistLeft',
          data: { ...member(7), groupId: group.groupId, reason: 'consent-withdrawn', leftAt: at },
        },
      ]);
  });

  it('passes a declined offer on', () => {
    const history = [...full.slice(0, 5), waitlisted(7, 2, 1), waitlisted(8, 3, 2), offered(7)];
    then
      .given(history)
      .when({ type: 'DeclineOffer', data: { group, memberId: member(7).memberId }, metadata })
      .then([{ type: 'OfferDeclined', data: { ...member(7), groupId: group.groupId, declinedAt: at } }, offered(8)]);
    then
      .given(history)
      .when({ type: 'DeclineOffer', data: { group, memberId: member(8).memberId }, metadata })
      .thenFails('enrollment.offer-unknown');
  });

  it('passes over a waiting member who is no longer eligible, keeping their place, and refuses their acceptance', () => {
    const history = [...full, waitlisted(7, 2, 1), waitlisted(8, 2, 2)];
    const ineligible = { [member(7).memberId]: 'Placement is on hold.' };
    then
      .given(history)
      .when({
        type: 'LeaveGroup',
        data: { group, ineligible, memberId: member(1).memberId, reason: 'member-request' },
        metadata,
      })
      .then([
        {
          type: 'MemberWithdrew',
          data: { ...member(1), groupId: group.groupId, reason: 'member-request', withdrewAt: at },
        },
        offered(8),
      ]);
    const offeredToSeven = [...full.slice(0, 5), waitlisted(7, 2, 1), offered(7)];
    then
      .given(offeredToSeven)
      .when({ type: 'AcceptOffer', data: { group, ineligible, memberId: member(7).memberId }, metadata })
      .thenFails('enrollment.no-longer-eligible', /on hold/);
  });

  it("offers a new group's seats to its own waitlist first, then to eligible members waiting elsewhere, in the order given", () => {
    const newGroup: GroupCapacity = { ...group, groupId: 'grp_new', seats: 6 };
    const elsewhere = (n: number) => ({
      ...member(n),
      priority: 2 as const,
      waitlistedAt: at,
      waitingInGroupId: group.groupId,
    });
    const offeredHere = (n: number, extra: object = {}): GroupSeatsEvent => ({
      type: 'SeatOffered',
      data: { ...member(n), groupId: 'grp_new', offeredAt: at, expiresAt: in48h, ...extra },
    });
    const enrolledHere = (n: number): GroupSeatsEvent => ({
      type: 'MemberEnrolled',
      data: { ...member(n), groupId: 'grp_new', enrolledAt: at },
    });
    const history = [1, 2, 3, 4].map(enrolledHere);
    then
      .given(history)
      .when({
        type: 'OfferSeatsToWaitingElsewhere',
        data: {
          group: newGroup,
          ineligible: { [member(9).memberId]: 'on hold' },
          candidates: [elsewhere(9), elsewhere(10), elsewhere(1), elsewhere(11), elsewhere(12)],
        },
        metadata,
      })
      .then([
        offeredHere(10, { waitingInGroupId: group.groupId }),
        offeredHere(11, { waitingInGroupId: group.groupId }),
      ]);
    then
      .given([
        ...history,
        offeredHere(10, { waitingInGroupId: group.groupId }),
        offeredHere(11, { waitingInGroupId: group.groupId }),
      ])
      .when({
        type: 'OfferSeatsToWaitingElsewhere',
        data: { group: newGroup, candidates: [elsewhere(10), elsewhere(11), elsewhere(12)] },
        metadata,
      })
      .then([]);
    then
      .given(history)
      .when({
        type: 'OfferSeatsToWaitingElsewhere',
        data: { group: { ...newGroup, closed: true }, candidates: [elsewhere(10)] },
        metadata,
      })
      .then([]);
  });
});
