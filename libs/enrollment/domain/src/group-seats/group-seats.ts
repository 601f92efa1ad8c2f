import type { CommandMetadata } from '@carecircle/shared-kernel';
import type { WaitlistReason } from '../matching/matching';
import type { MemberRole } from '../referral/referral';

/**
 * One stream per group holds its seats, waitlist and offers: the consistency boundary that makes two
 * concurrent enrolments for the last seat end with exactly one winner (append with expected version).
 */
export const groupSeatsStreamId = (groupId: string) => `group-seats-${groupId}`;

/** What the catalogue says about a group when a seat decision is made. */
export interface GroupCapacity {
  groupId: string;
  seats: number;
  openness: 'open' | 'closed';
  /** The first session has taken place. */
  started: boolean;
  /** Scheduling closed the group (course completed, too few members…). */
  closed: boolean;
}

export interface SeatHolder {
  referralId: string;
  memberId: string;
  memberRole: MemberRole;
}

/** 1 is the most urgent; equal priorities are served first come, first served. */
export type WaitlistPriority = 1 | 2 | 3;
/** placed-elsewhere: the member took a seat in another group (e.g. a newly formed one) and leaves this waitlist. */
export type WithdrawalReason = 'member-request' | 'consent-withdrawn' | 'clinical' | 'other' | 'placed-elsewhere';

export interface WaitingMember extends SeatHolder {
  priority: WaitlistPriority;
  waitlistedAt: string;
}

export interface SeatOffer extends SeatHolder {
  offeredAt: string;
  expiresAt: string;
  /** Set when the offer went to a member waiting on another (full) group's waitlist. */
  waitingInGroupId?: string;
}

/** A member waiting on another group's waitlist, offered a seat here when this group is newly formed. */
export interface WaitingElsewhere extends WaitingMember {
  waitingInGroupId: string;
}

/**
 * Waiting members who may not be offered a seat now (screening outcome, consent, or a screening constraint
 * no longer fits the group), by member id, with the reason in plain words. The application re-checks each
 * waiting member's referral before any command that can offer a seat; members not named are eligible.
 */
export type Ineligible = Readonly<Record<string, string>>;

// Commands ---------------------------------------------------------------------------------------

type GroupCommand<Type extends string, Data> = {
  type: Type;
  data: Data & { group: GroupCapacity; ineligible?: Ineligible };
  metadata: CommandMetadata;
};

export type GroupSeatsCommand =
  | GroupCommand<'EnrolInGroup', { candidate: SeatHolder }>
  /**
   * `reason` 'closed-group-started': the member waits on a closed group that has started (no seat is ever
   * offered there) for its next course or a newly formed group of its kind; any other group refusing members refuses it.
   */
  | GroupCommand<'JoinWaitlist', { candidate: SeatHolder; priority: WaitlistPriority; reason?: WaitlistReason }>
  | GroupCommand<'AcceptOffer', { memberId: string }>
  | GroupCommand<'DeclineOffer', { memberId: string }>
  | GroupCommand<'LeaveGroup', { memberId: string; reason: WithdrawalReason }>
  /** Run on a poll: lapses the offers whose time is up and offers their seats to the next in line. */
  | GroupCommand<'ExpireOffers', object>
  /** After the catalogue changed (more seats): offers any free seat to the waitlist. */
  | GroupCommand<'OfferFreeSeats', object>
  /**
   * A newly formed group: free seats go first to its own waitlist, then to eligible members waiting on
   * other full groups of its kind (given in serving order: priority, then arrival).
   */
  | GroupCommand<'OfferSeatsToWaitingElsewhere', { candidates: readonly WaitingElsewhere[] }>;

// Events -----------------------------------------------------------------------------------------

type MemberFact<Data> = SeatHolder & { groupId: string } & Data;

export type GroupSeatsEvent =
  | { type: 'MemberEnrolled'; data: MemberFact<{ enrolledAt: string }> }
  | {
      type: 'MemberWaitlisted';
      data: MemberFact<{ priority: WaitlistPriority; position: number; waitlistedAt: string; reason?: WaitlistReason }>;
    }
  | { type: 'SeatOffered'; data: MemberFact<{ offeredAt: string; expiresAt: string; waitingInGroupId?: string }> }
  | { type: 'OfferDeclined'; data: MemberFact<{ declinedAt: string }> }
  | { type: 'OfferExpired'; data: MemberFact<{ expiredAt: string }> }
  | { type: 'WaitlistLeft'; data: MemberFact<{ reason: WithdrawalReason; leftAt: string }> }
  | { type: 'MemberWithdrew'; data: MemberFact<{ reason: WithdrawalReason; withdrewAt: string }> };

// State ------------------------------------------------------------------------------------------

export interface GroupSeatsState {
  enrolled: SeatHolder[];
  /** In serving order: priority, then arrival. */
  waitlist: WaitingMember[];
  offers: SeatOffer[];
}
