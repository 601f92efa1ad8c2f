import { domainError, type Decider, type DomainError } from '@carecircle/shared-kernel';
import { defaultEnrollmentPolicy, type EnrollmentPolicy } from '../policy/enrollment-policy';
import { allowsPlacement, screen, type PlacementConstraints, type ScreeningFacts } from '../screening/screening';
import type {
  ConsentKind,
  OpenReferral,
  ReferralCommand,
  ReferralDetails,
  ReferralEvent,
  ReferralState,
} from './referral';

const REQUIRED_CONSENTS: readonly ConsentKind[] = ['treatment', 'confidentiality-agreement'];

export function createReferralDecider(
  policy: EnrollmentPolicy = defaultEnrollmentPolicy,
): Decider<ReferralCommand, ReferralEvent, ReferralState> {
  return {
    initialState: { status: 'none' },
    decide(command, state) {
      const now = command.metadata.now.toISOString();
      switch (command.type) {
        case 'ReceiveReferral':
          return receiveReferral(command.data, now, state, policy);
        case 'ScreenMember':
          return requireReferral(state, (open) =>
            state.status === 'cancelled'
              ? cancelledReferral()
              : screening(open.details, command.data.facts, now, policy, open),
          );
        case 'CancelReferral':
          return requireReferral(state, (open) => {
            if (state.status === 'cancelled') return [];
            if (state.status === 'enrolled' || open.placementGroupId) {
              return domainError(
                'rule-violation',
                'enrollment.referral-placed',
                'The member already has a place in a group or on its waitlist; leaving it is a withdrawal, decided with the member and the facilitator.',
              );
            }
            return [
              {
                type: 'ReferralCancelled',
                data: { ...command.data, memberId: open.details.memberId, cancelledAt: now },
              },
            ];
          });
        case 'RecordConsent':
          return requireReferral(state, (open) => {
            const { referralId, ...consent } = command.data;
            if (deepEqual(open.consents[consent.kind], consent)) return [];
            return [
              {
                type: 'ConsentRecorded',
                data: { referralId, memberId: open.details.memberId, ...consent, recordedAt: now },
              },
            ];
          });
        case 'WithdrawConsent':
          return requireReferral(state, (open) =>
            open.consents[command.data.kind]
              ? [
                  {
                    type: 'ConsentWithdrawn',
                    data: { ...command.data, memberId: open.details.memberId, withdrawnAt: now },
                  },
                ]
              : [],
          );
        case 'RecordPlacement':
          return requireReferral(state, (open) => {
            const { ifPlacedIn, ...placement } = command.data;
            if (open.placementGroupId === placement.groupId) return [];
            if (ifPlacedIn !== undefined && (open.placementGroupId ?? null) !== ifPlacedIn) return [];
            return [{ type: 'PlacementRecorded', data: { ...placement, recordedAt: now } }];
          });
      }
    },
    evolve(state, event) {
      if (event.type === 'ReferralReceived') {
        const { receivedAt: _receivedAt, ...details } = event.data;
        return { status: 'referred', details, consents: {} };
      }
      if (state.status === 'none') return state;
      switch (event.type) {
        case 'ScreeningCompleted':
          return { ...state, screening: event.data };
        case 'PsychiatricEvaluationRequired':
        case 'IndividualCounselingRecommended':
          return state;
        case 'ConsentRecorded': {
          const { referralId: _r, memberId: _m, recordedAt: _at, ...consent } = event.data;
          return { ...state, consents: { ...state.consents, [consent.kind]: consent } };
        }
        case 'ConsentWithdrawn': {
          const { [event.data.kind]: _withdrawn, ...rest } = state.consents;
          return { ...state, consents: rest };
        }
        case 'PlacementRecorded':
          return { ...state, placementGroupId: event.data.groupId };
        case 'MemberEnrolled':
          return { ...state, status: 'enrolled', groupId: event.data.groupId };
        case 'ReferralCancelled': {
          const { groupId: _groupId, ...open } = state as OpenReferral & { groupId?: string };
          return { ...open, status: 'cancelled' };
        }
      }
    },
  };
}

/** The decider with DOMAIN.md's default thresholds. */
export const referralDecider = createReferralDecider();

function requireReferral(state: ReferralState, decide: (open: OpenReferral) => readonly ReferralEvent[] | DomainError) {
  return state.status === 'none' ? unknownReferral() : decide(state);
}

function unknownReferral(): DomainError {
  return domainError('not-found', 'enrollment.referral-unknown', 'No referral with this id has been received.');
}

function cancelledReferral(): DomainError {
  return domainError(
    'rule-violation',
    'enrollment.referral-cancelled',
    'The referral was cancelled by the referrer; a new referral is needed.',
  );
}

function receiveReferral(
  details: ReferralDetails,
  now: string,
  state: ReferralState,
  policy: EnrollmentPolicy,
): readonly ReferralEvent[] | DomainError {
  if (state.status === 'none') {
    const received: ReferralEvent = { type: 'ReferralReceived', data: { ...details, receivedAt: now } };
    return details.screeningFacts ? [received, ...screening(details, details.screeningFacts, now, policy)] : [received];
  }
  // The same referral sent again (an EHR retry) changes nothing; different facts under the same id are a mistake.
  if (deepEqual(state.details, details)) return [];
  return domainError(
    'conflict',
    'enrollment.referral-conflict',
    'A different referral was already received under this referral id.',
  );
}

/** Screening (at referral, or a re-screen with new scores): a re-screen with unchanged facts changes nothing. */
function screening(
  details: ReferralDetails,
  facts: ScreeningFacts,
  now: string,
  policy: EnrollmentPolicy,
  open?: OpenReferral,
): ReferralEvent[] {
  if (open?.screening && deepEqual(open.screening.facts, facts)) return [];
  const { referralId, memberId } = details;
  const result = screen(facts, policy);
  const events: ReferralEvent[] = [
    { type: 'ScreeningCompleted', data: { referralId, memberId, ...result, facts, screenedAt: now } },
  ];
  const psychiatric = result.reasons.filter(
    (reason) => reason.outcome === 'psychiatric-evaluation-required' || reason.outcome === 'placement-on-hold',
  );
  // A re-screen (new scores trickling in from the EHR) that finds what the standing screening found asks nobody twice.
  const standing = open?.screening?.reasons ?? [];
  const alreadyAsked = (reasons: readonly { code: string }[]) =>
    reasons.length > 0 && reasons.every((reason) => standing.some((found) => found.code === reason.code));
  if (psychiatric.length > 0 && !alreadyAsked(psychiatric)) {
    const urgency = psychiatric.some((reason) => reason.outcome === 'placement-on-hold')
      ? 'same-day'
      : 'before-placement';
    events.push({
      type: 'PsychiatricEvaluationRequired',
      data: { referralId, memberId, urgency, reasons: psychiatric, requiredAt: now },
    });
  }
  const counseling = result.reasons.filter((reason) => reason.outcome === 'individual-counseling-first');
  if (counseling.length > 0 && !alreadyAsked(counseling)) {
    events.push({
      type: 'IndividualCounselingRecommended',
      data: { referralId, memberId, reasons: counseling, recommendedAt: now },
    });
  }
  return events;
}

/** Who may be placed, as the group-seats decider and matching need to know them. */
export interface PlacementCandidate {
  referralId: string;
  memberId: string;
  memberRole: ReferralDetails['memberRole'];
  age: number;
  wantedGroupType: ReferralDetails['wantedGroupType'];
  wantedCondition?: string;
  wantedStage?: string;
  modalityPreference: ReferralDetails['modalityPreference'];
  constraints: PlacementConstraints;
}

/**
 * Whether a referral may be placed in a group now: screened with a placeable outcome, with treatment
 * consent and a signed confidentiality agreement. The error explains what is missing in plain words.
 */
export function placementCandidate(state: ReferralState): PlacementCandidate | DomainError {
  if (state.status === 'none') return unknownReferral();
  const { details, screening: screened, consents } = state;
  if (state.status === 'cancelled') return cancelledReferral();
  if (!screened)
    return domainError(
      'rule-violation',
      'enrollment.not-screened',
      'The member has not been screened yet; screening comes before any placement.',
    );
  if (!allowsPlacement(screened.outcome)) {
    const blocking = screened.reasons.filter((reason) => !allowsPlacement(reason.outcome)).map((reason) => reason.text);
    return domainError(
      'rule-violation',
      `enrollment.screening-${screened.outcome}`,
      `Placement is not possible now: ${blocking.join(' ')}`,
    );
  }
  if (screened.facts.age === undefined) {
    return domainError(
      'rule-violation',
      'enrollment.age-unknown',
      "The member's age is not known yet (the EHR sent no birth date with this referral): re-screen with the age before placement.",
    );
  }
  const missing = REQUIRED_CONSENTS.filter((kind) => !consents[kind]);
  if (missing.length > 0) {
    return domainError(
      'rule-violation',
      'enrollment.consent-missing',
      `Nobody joins a group without treatment consent and a signed confidentiality agreement; missing: ${missing.join(', ')}.`,
    );
  }
  return {
    referralId: details.referralId,
    memberId: details.memberId,
    memberRole: details.memberRole,
    age: screened.facts.age,
    wantedGroupType: details.wantedGroupType,
    ...(details.wantedCondition ? { wantedCondition: details.wantedCondition } : {}),
    ...(details.wantedStage ? { wantedStage: details.wantedStage } : {}),
    modalityPreference: details.modalityPreference,
    constraints: screened.constraints,
  };
}

/** Structural equality of plain data (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a).filter((key) => (a as Record<string, unknown>)[key] !== undefined);
  const keysB = Object.keys(b).filter((key) => (b as Record<string, unknown>)[key] !== undefined);
  return (
    keysA.length === keysB.length &&
    keysA.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}
