import type { Cadence } from '../policy/enrollment-policy';
import type { PlacementCandidate } from '../referral/referral.decider';
import type { GroupType, Modality } from '../referral/referral';

/** A group as enrollment's catalogue knows it (learnt from scheduling's events). */
export interface CatalogueGroup {
  groupId: string;
  groupType: GroupType;
  condition?: string;
  stage?: string;
  seats: number;
  openness: 'open' | 'closed';
  modality: Modality;
  cadence: Cadence;
  ageBand: { min: number; max: number };
  facilitatorIds: string[];
  firstSessionAt: string;
  closed: boolean;
}

export interface GroupProposal {
  groupId: string;
  /** enrol: a seat is free now; waitlist: the group fits but is full. */
  placement: 'enrol' | 'waitlist';
  score: number;
  reasons: string[];
}

export interface GroupExclusion {
  groupId: string;
  reasons: string[];
}

export interface MatchResult {
  proposals: GroupProposal[];
  excluded: GroupExclusion[];
}

/**
 * Proposes the groups that fit a screened, consenting member, best first, with the reasons; and says
 * why every other group does not fit. `freeSeats` comes from each group's seats stream.
 */
export function matchGroups(
  candidate: PlacementCandidate,
  groups: readonly { group: CatalogueGroup; freeSeats: number }[],
  now: Date,
): MatchResult {
  const proposals: GroupProposal[] = [];
  const excluded: GroupExclusion[] = [];
  for (const { group, freeSeats } of groups) {
    const misfits = misfitReasons(candidate, group, now);
    if (misfits.length > 0) {
      excluded.push({ groupId: group.groupId, reasons: misfits });
      continue;
    }
    const reasons = [
      `${describeType(group)} group, as the referral asks.`,
      `Age ${candidate.age} is within the group's ${group.ageBand.min}-${group.ageBand.max} band.`,
    ];
    let score = 0;
    if (group.modality === candidate.modalityPreference) {
      score += 2;
      reasons.push(`Meets ${group.modality}, as the member prefers.`);
    } else {
      score += 1;
      reasons.push(
        group.modality === 'hybrid'
          ? `Hybrid group: the member can join ${candidate.modalityPreference}.`
          : `Meets ${group.modality}; the member is open to either.`,
      );
    }
    if (candidate.constraints.maxGroupSeats !== undefined)
      reasons.push(`Small (${group.seats} seats) and meets ${group.cadence}, as screening requires.`);
    if (freeSeats > 0) {
      score += 4;
      reasons.push(`${freeSeats} of ${group.seats} seats free.`);
    } else {
      reasons.push('All seats are taken: the member would join the waitlist.');
    }
    proposals.push({ groupId: group.groupId, placement: freeSeats > 0 ? 'enrol' : 'waitlist', score, reasons });
  }
  proposals.sort((a, b) => b.score - a.score || a.groupId.localeCompare(b.groupId));
  return { proposals, excluded };
}

function misfitReasons(candidate: PlacementCandidate, group: CatalogueGroup, now: Date): string[] {
  const reasons: string[] = [];
  if (group.closed) reasons.push('The group has been closed.');
  if (group.openness === 'closed' && Date.parse(group.firstSessionAt) <= now.getTime())
    reasons.push('Closed group that has already started: it takes nobody new.');
  if (group.groupType !== candidate.wantedGroupType)
    reasons.push(`It is a ${describeType(group)} group; the referral asks for ${candidate.wantedGroupType}.`);
  if (candidate.wantedCondition && group.condition !== candidate.wantedCondition)
    reasons.push('It is for a different condition.');
  if (candidate.wantedStage && group.stage !== candidate.wantedStage)
    reasons.push('It is for a different stage of illness.');
  if (candidate.age < group.ageBand.min || candidate.age > group.ageBand.max)
    reasons.push(`Age ${candidate.age} is outside the group's ${group.ageBand.min}-${group.ageBand.max} band.`);
  if (
    group.modality !== 'hybrid' &&
    group.modality !== candidate.modalityPreference &&
    candidate.modalityPreference !== 'hybrid'
  ) {
    reasons.push(`It meets ${group.modality}; the member prefers ${candidate.modalityPreference}.`);
  }
  const { maxGroupSeats, allowedCadences } = candidate.constraints;
  if (maxGroupSeats !== undefined && group.seats > maxGroupSeats)
    reasons.push(
      `Screening allows only groups of at most ${maxGroupSeats} members; this one has ${group.seats} seats.`,
    );
  if (allowedCadences && !allowedCadences.includes(group.cadence))
    reasons.push(
      `Screening allows only groups meeting ${allowedCadences.join(' or ')}; this one meets ${group.cadence}.`,
    );
  return reasons;
}

function describeType(group: CatalogueGroup): string {
  return [group.groupType, group.condition, group.stage].filter(Boolean).join(' / ');
}

/** Why a member asked into a group that takes nobody new is waitlisted there rather than placed. */
export type WaitlistReason = 'closed-group-started';

/**
 * Where a member goes when the group asked for takes nobody new (a closed group that has started, or one
 * scheduling closed): the next course of that group, else another group that fits, else (a started closed
 * group only) its waitlist for the next course, with the reason. `undefined`: the group admits members.
 */
export type PlacementRedirect =
  | {
      kind: 'next-course' | 'other-group';
      groupId: string;
      placement: 'enrol' | 'waitlist';
      reason: 'closed-group-started' | 'group-closed';
    }
  | { kind: 'waitlist-for-next-course'; groupId: string; placement: 'waitlist'; reason: WaitlistReason }
  | { kind: 'none'; reason: 'group-closed' };

/**
 * The next course of a group: a later group of the same type, condition, stage, openness and modality run
 * by at least one of the same facilitators (scheduling forms each course as its own group).
 */
export function isNextCourseOf(requested: CatalogueGroup, other: CatalogueGroup): boolean {
  return (
    other.groupId !== requested.groupId &&
    other.groupType === requested.groupType &&
    (other.condition ?? null) === (requested.condition ?? null) &&
    (other.stage ?? null) === (requested.stage ?? null) &&
    other.openness === requested.openness &&
    other.modality === requested.modality &&
    other.facilitatorIds.some((id) => requested.facilitatorIds.includes(id)) &&
    Date.parse(other.firstSessionAt) > Date.parse(requested.firstSessionAt)
  );
}

export function redirectPlacement(
  candidate: PlacementCandidate,
  requested: CatalogueGroup,
  others: readonly { group: CatalogueGroup; freeSeats: number }[],
  now: Date,
): PlacementRedirect | undefined {
  const started = requested.openness === 'closed' && Date.parse(requested.firstSessionAt) <= now.getTime();
  if (!requested.closed && !started) return undefined;
  const reason = requested.closed ? 'group-closed' : 'closed-group-started';
  const { proposals } = matchGroups(
    candidate,
    others.filter(({ group }) => group.groupId !== requested.groupId),
    now,
  );
  const courses = proposals
    .flatMap((proposal) =>
      others
        .filter(({ group }) => group.groupId === proposal.groupId && isNextCourseOf(requested, group))
        .map(({ group }) => ({ proposal, startsAt: Date.parse(group.firstSessionAt) })),
    )
    .sort((a, b) => a.startsAt - b.startsAt || a.proposal.groupId.localeCompare(b.proposal.groupId));
  const nextCourse = courses[0]?.proposal;
  if (nextCourse) return { kind: 'next-course', groupId: nextCourse.groupId, placement: nextCourse.placement, reason };
  const other = proposals[0];
  if (other) return { kind: 'other-group', groupId: other.groupId, placement: other.placement, reason };
  // A closed group that has started: its waitlist is where the next course (or a newly formed group of its kind) finds the member.
  return requested.closed
    ? { kind: 'none', reason: 'group-closed' }
    : {
        kind: 'waitlist-for-next-course',
        groupId: requested.groupId,
        placement: 'waitlist',
        reason: 'closed-group-started',
      };
}
