import { domainError, type Decider, type DomainError } from '@carecircle/shared-kernel';
import { defaultEnrollmentPolicy, type EnrollmentPolicy } from '../policy/enrollment-policy';
import type {
  GroupCapacity,
  GroupSeatsCommand,
  GroupSeatsEvent,
  GroupSeatsState,
  Ineligible,
  SeatHolder,
  WaitingMember,
} from './group-seats';

const HOUR_MS = 3_600_000;

export function createGroupSeatsDecider(
  policy: EnrollmentPolicy = defaultEnrollmentPolicy,
): Decider<GroupSeatsCommand, GroupSeatsEvent, GroupSeatsState> {
  return {
    initialState: { enrolled: [], waitlist: [], offers: [] },
    decide(command, state) {
      const now = command.metadata.now;
      const at = now.toISOString();
      const { group } = command.data;
      const ineligible = command.data.ineligible ?? {};
      const fill = (after: GroupSeatsState, events: GroupSeatsEvent[]) => [
        ...events,
        ...offerFreeSeats(after, group, now, policy, ineligible),
      ];
      switch (command.type) {
        case 'EnrolInGroup': {
          const { candidate } = command.data;
          if (isEnrolled(state, candidate.memberId)) return [];
          const refusal = admissionRefusal(group) ?? (freeSeats(state, group) > 0 ? undefined : groupFull());
          if (refusal) return refusal;
          return [{ type: 'MemberEnrolled', data: { ...candidate, groupId: group.groupId, enrolledAt: at } }];
        }
        case 'JoinWaitlist': {
          const { candidate, priority, reason } = command.data;
          if (
            isEnrolled(state, candidate.memberId) ||
            state.waitlist.some((w) => w.memberId === candidate.memberId) ||
            findOffer(state, candidate.memberId)
          )
            return [];
          const refusal = admissionRefusal(group);
          // Waiting for the next course is the one way onto a started closed group's list (its roster stays fixed).
          if (refusal && !(reason === 'closed-group-started' && refusal.code === 'enrollment.closed-group-started'))
            return refusal;
          const position = state.waitlist.filter((waiting) => waiting.priority <= priority).length + 1;
          const waitlisted: GroupSeatsEvent = {
            type: 'MemberWaitlisted',
            data: {
              ...candidate,
              groupId: group.groupId,
              priority,
              position,
              waitlistedAt: at,
              ...(reason ? { reason } : {}),
            },
          };
          return fill(evolveAll(state, [waitlisted]), [waitlisted]);
        }
        case 'AcceptOffer': {
          const offer = findOffer(state, command.data.memberId);
          if (!offer) return isEnrolled(state, command.data.memberId) ? [] : noOffer();
          if (offer.expiresAt <= at)
            return domainError(
              'conflict',
              'enrollment.offer-expired',
              'This seat offer has expired; the seat goes to the next member on the waitlist.',
            );
          const notEligible = ineligible[offer.memberId];
          if (notEligible)
            return domainError(
              'rule-violation',
              'enrollment.no-longer-eligible',
              `The member cannot take this seat now: ${notEligible}`,
            );
          return [{ type: 'MemberEnrolled', data: { ...holder(offer), groupId: group.groupId, enrolledAt: at } }];
        }
        case 'DeclineOffer': {
          const offer = findOffer(state, command.data.memberId);
          if (!offer) return noOffer();
          const declined: GroupSeatsEvent = {
            type: 'OfferDeclined',
            data: { ...holder(offer), groupId: group.groupId, declinedAt: at },
          };
          return fill(evolveAll(state, [declined]), [declined]);
        }
        case 'LeaveGroup': {
          const { memberId, reason } = command.data;
          const seated = state.enrolled.find((member) => member.memberId === memberId);
          const waiting = state.waitlist.find((member) => member.memberId === memberId) ?? findOffer(state, memberId);
          const left: GroupSeatsEvent[] = seated
            ? [{ type: 'MemberWithdrew', data: { ...holder(seated), groupId: group.groupId, reason, withdrewAt: at } }]
            : waiting
              ? [{ type: 'WaitlistLeft', data: { ...holder(waiting), groupId: group.groupId, reason, leftAt: at } }]
              : [];
          return left.length === 0 ? [] : fill(evolveAll(state, left), left);
        }
        case 'ExpireOffers': {
          const expired: GroupSeatsEvent[] = state.offers
            .filter((offer) => offer.expiresAt <= at)
            .map((offer) => ({
              type: 'OfferExpired',
              data: { ...holder(offer), groupId: group.groupId, expiredAt: at },
            }));
          return fill(evolveAll(state, expired), expired);
        }
        case 'OfferFreeSeats':
          return fill(state, []);
        case 'OfferSeatsToWaitingElsewhere': {
          const own = fill(state, []);
          const after = evolveAll(state, own);
          if (admissionRefusal(group)) return own;
          const expiresAt = offerExpiry(now, policy);
          const known = (memberId: string) =>
            isEnrolled(after, memberId) ||
            after.waitlist.some((w) => w.memberId === memberId) ||
            findOffer(after, memberId);
          const elsewhere: GroupSeatsEvent[] = command.data.candidates
            .filter(
              (candidate, index, all) =>
                !known(candidate.memberId) &&
                !ineligible[candidate.memberId] &&
                all.findIndex((c) => c.memberId === candidate.memberId) === index,
            )
            .slice(0, freeSeats(after, group))
            .map((candidate) => ({
              type: 'SeatOffered',
              data: {
                ...holder(candidate),
                groupId: group.groupId,
                offeredAt: at,
                expiresAt,
                waitingInGroupId: candidate.waitingInGroupId,
              },
            }));
          return [...own, ...elsewhere];
        }
      }
    },
    evolve,
  };
}

export const groupSeatsDecider = createGroupSeatsDecider();

function evolve(state: GroupSeatsState, event: GroupSeatsEvent): GroupSeatsState {
  const without = <T extends SeatHolder>(list: T[]) => list.filter((member) => member.memberId !== event.data.memberId);
  switch (event.type) {
    case 'MemberEnrolled':
      return {
        enrolled: [...without(state.enrolled), holder(event.data)],
        waitlist: without(state.waitlist),
        offers: without(state.offers),
      };
    case 'MemberWaitlisted': {
      const { priority, waitlistedAt } = event.data;
      return {
        ...state,
        waitlist: insertInServingOrder(state.waitlist, { ...holder(event.data), priority, waitlistedAt }),
      };
    }
    case 'SeatOffered': {
      const { offeredAt, expiresAt, waitingInGroupId } = event.data;
      const offer = { ...holder(event.data), offeredAt, expiresAt, ...(waitingInGroupId ? { waitingInGroupId } : {}) };
      return { ...state, waitlist: without(state.waitlist), offers: [...without(state.offers), offer] };
    }
    case 'OfferDeclined':
    case 'OfferExpired':
      return { ...state, offers: without(state.offers) };
    case 'WaitlistLeft':
      return { ...state, waitlist: without(state.waitlist), offers: without(state.offers) };
    case 'MemberWithdrew':
      return { ...state, enrolled: without(state.enrolled) };
  }
}

/** Seats neither taken nor held by a pending offer. */
export function freeSeats(state: GroupSeatsState, group: GroupCapacity): number {
  return Math.max(0, group.seats - state.enrolled.length - state.offers.length);
}

/** Why a group takes nobody new, if it does not. */
export function admissionRefusal(group: GroupCapacity): DomainError | undefined {
  if (group.closed)
    return domainError('conflict', 'enrollment.group-closed', 'This group has been closed and takes no new members.');
  if (group.openness === 'closed' && group.started) {
    return domainError(
      'conflict',
      'enrollment.closed-group-started',
      'This is a closed group that has already started: its roster stays fixed.',
    );
  }
  return undefined;
}

const offerExpiry = (now: Date, policy: EnrollmentPolicy) =>
  new Date(now.getTime() + policy.seatOfferTtlHours * HOUR_MS).toISOString();

/** Free seats go to the waitlist in serving order, passing over (but keeping in line) members not eligible now. */
function offerFreeSeats(
  state: GroupSeatsState,
  group: GroupCapacity,
  now: Date,
  policy: EnrollmentPolicy,
  ineligible: Ineligible,
): GroupSeatsEvent[] {
  if (admissionRefusal(group)) return [];
  const expiresAt = offerExpiry(now, policy);
  return state.waitlist
    .filter((waiting) => !ineligible[waiting.memberId])
    .slice(0, freeSeats(state, group))
    .map((next) => ({
      type: 'SeatOffered',
      data: { ...holder(next), groupId: group.groupId, offeredAt: now.toISOString(), expiresAt },
    }));
}

function insertInServingOrder(waitlist: WaitingMember[], member: WaitingMember): WaitingMember[] {
  const index = waitlist.findIndex((waiting) => waiting.priority > member.priority);
  return index === -1 ? [...waitlist, member] : [...waitlist.slice(0, index), member, ...waitlist.slice(index)];
}

function evolveAll(state: GroupSeatsState, events: GroupSeatsEvent[]) {
  return events.reduce(evolve, state);
}

function holder({ referralId, memberId, memberRole }: SeatHolder): SeatHolder {
  return { referralId, memberId, memberRole };
}

const isEnrolled = (state: GroupSeatsState, memberId: string) =>
  state.enrolled.some((member) => member.memberId === memberId);
const findOffer = (state: GroupSeatsState, memberId: string) =>
  state.offers.find((offer) => offer.memberId === memberId);
const groupFull = () =>
  domainError(
    'conflict',
    'enrollment.group-full',
    'Every seat in this group is taken; the member can join its waitlist instead.',
  );
const noOffer = () =>
  domainError('not-found', 'enrollment.offer-unknown', 'This member holds no seat offer in this group.');
