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
    const reasons = [`${describeType(group)} group, as the referral asks.`, `Age ${candidate.age} is within the group's ${group.ageBand.min}-${group.ageBand.max} band.`];
    let score = 0;
    if (group.modality === candidate.modalityPreference) {
      score += 2;
      reasons.push(`Meets ${group.modality}, as the member prefers.`);
    } else {
      score += 1;
      reasons.push(group.modality === 'hybrid' ? `Hybrid group: the member can join ${candidate.modalityPreference}.` : `Meets ${group.modality}; the member is open to either.`);
    }
    if (candidate.constraints.maxGroupSeats !== undefined) reasons.push(`Small (${group.seats} seats) and meets ${group.cadence}, as screening requires.`);
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
  if (group.openness === 'closed' && Date.parse(group.firstSessionAt) <= now.getTime()) reasons.push('Closed group that has already started: it takes nobody new.');
  if (group.groupType !== candidate.wantedGroupType) reasons.push(`It is a ${describeType(group)} group; the referral asks for ${candidate.wantedGroupType}.`);
  if (candidate.wantedCondition && group.condition !== candidate.wantedCondition) reasons.push('It is for a different condition.');
  if (candidate.wantedStage && group.stage !== candidate.wantedStage) reasons.push('It is for a different stage of illness.');
  if (candidate.age < group.ageBand.min || candidate.age > group.ageBand.max) reasons.push(`Age ${candidate.age} is outside the group's ${group.ageBand.min}-${group.ageBand.max} band.`);
  if (group.modality !== 'hybrid' && group.modality !== candidate.modalityPreference && candidate.modalityPreference !== 'hybrid') {
    reasons.push(`It meets ${group.modality}; the member prefers ${candidate.modalityPreference}.`);
  }
  const { maxGroupSeats, allowedCadences } = candidate.constraints;
  if (maxGroupSeats !== undefined && group.seats > maxGroupSeats) reasons.push(`Screening allows only groups of at most ${maxGroupSeats} members; this one has ${group.seats} seats.`);
  if (allowedCadences && !allowedCadences.includes(group.cadence)) reasons.push(`Screening allows only groups meeting ${allowedCadences.join(' or ')}; this one meets ${group.cadence}.`);
  return reasons;
}

function describeType(group: CatalogueGroup): string {
  return [group.groupType, group.condition, group.stage].filter(Boolean).join(' / ');
}
