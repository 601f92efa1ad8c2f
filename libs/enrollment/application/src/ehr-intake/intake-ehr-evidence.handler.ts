import { handleCommand, type CommandOutcome } from '@carecircle/platform/event-sourcing';
import {
  assembleScreeningFacts,
  EHR_CONSENT_ACTOR,
  ehrConsentActions,
  ehrIntakeDecider,
  ehrIntakeStreamId,
  ehrReferralDetails,
  referralStreamId,
  type EhrEvidence,
  type EhrIntakeEvent,
  type MissingScreeningFact,
  type NotedEvidence,
  type ReferralEvent,
  type ReferralState,
  withStandingFacts,
} from '@carecircle/enrollment/domain';
import type { DomainError } from '@carecircle/shared-kernel';
import { withdrawConsent } from '../consent/consent.handlers';
import { decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import type { RequestContext } from '../request-context';

/** What one piece of EHR evidence changed, for the adapter to log by code (never by value). */
export interface EhrIntakeResult {
  /** False for a redelivery, an older revision, or evidence that says nothing to enrollment. */
  noted: boolean;
  /** Referrals (gateway resource ids) whose referral, screening or cancellation was decided now. */
  changedReferrals: string[];
  /** Referrals that could not follow the EHR, with the domain's reason (e.g. placed already, amended details). */
  refused: { referralId: string; code: string }[];
  /** Empty once the member's evidence is enough to screen. */
  awaiting: MissingScreeningFact[];
}

/**
 * Notes one EHR resource version about a member, then brings every EHR referral of that member in
 * line with all evidence noted so far: an active ServiceRequest is received and, once the facts are
 * complete, screened (re-screened when a later score or diagnosis changes them); a revoked one is
 * cancelled; the member's FHIR Consents record or withdraw its treatment consent and confidentiality
 * agreement (see `ehrConsentActions`; a withdrawal also frees the member's seat). Each step is idempotent, and the reconciliation runs on a redelivery too, so a crash
 * between the note and the referral is repaired by the broker's redelivery.
 */
export function intakeEhrEvidence(deps: EnrollmentDeps) {
  const { referral } = decidersFor(deps.policy);
  const withdraw = withdrawConsent(deps);
  return async (
    memberId: string,
    source: { resourceId: string; revision: number },
    evidence: EhrEvidence,
    context: RequestContext,
  ): Promise<EhrIntakeResult | DomainError> => {
    const metadata = () => ({ now: deps.clock.now(), ...context });
    const noted = await handleCommand(deps.store, ehrIntakeStreamId(memberId), ehrIntakeDecider, {
      type: 'NoteEhrEvidence',
      data: { memberId, ...source, evidence },
      metadata: metadata(),
    });
    if (!noted.ok) return noted.error;
    const { state } = await loadState<EhrIntakeEvent, typeof ehrIntakeDecider.initialState>(
      deps.store,
      ehrIntakeStreamId(memberId),
      ehrIntakeDecider,
    );
    const assembled = assembleScreeningFacts(state.evidence);
    const result: EhrIntakeResult = {
      noted: noted.events.length > 0,
      changedReferrals: [],
      refused: [],
      awaiting: assembled.kind === 'awaiting' ? assembled.missing : [],
    };
    const run = (referralId: string, outcome: CommandOutcome<unknown>, tolerated: readonly string[] = []) => {
      if (outcome.ok && outcome.events.length > 0 && !result.changedReferrals.includes(referralId))
        result.changedReferrals.push(referralId);
      if (!outcome.ok && !tolerated.includes(outcome.error.code))
        result.refused.push({ referralId, code: outcome.error.code });
      return outcome.ok;
    };
    for (const item of state.evidence) {
      if (item.evidence.kind !== 'referral') continue;
      const requested = item as NotedEvidence & { evidence: Extract<EhrEvidence, { kind: 'referral' }> };
      const referralId = requested.resourceId;
      const streamId = referralStreamId(referralId);
      const { state: referralState } = requested.evidence;
      if (typeof referralState === 'object') {
        // Nothing to cancel when the EHR withdrew a referral enrollment never received.
        run(
          referralId,
          await handleCommand(deps.store, streamId, referral, {
            type: 'CancelReferral',
            data: { referralId, reason: referralState.cancelled },
            metadata: metadata(),
          }),
          ['enrollment.referral-unknown'],
        );
        continue;
      }
      if (referralState !== 'active') continue;
      const { state: before } = await loadState<ReferralEvent, ReferralState>(deps.store, streamId, referral);
      const details = ehrReferralDetails(memberId, requested, before.status === 'none' ? undefined : before.details);
      // A revision that changes what was asked (another group type) is refused by the decider: referrals are not amended.
      const received = run(
        referralId,
        await handleCommand(deps.store, streamId, referral, {
          type: 'ReceiveReferral',
          data: details,
          metadata: metadata(),
        }),
      );
      if (!received) continue;
      const current =
        before.status === 'none'
          ? (await loadState<ReferralEvent, ReferralState>(deps.store, streamId, referral)).state
          : before;
      if (current.status !== 'none' && current.status !== 'cancelled') {
        for (const action of ehrConsentActions(state.evidence, source.resourceId, current.consents, deps.clock.now())) {
          run(
            referralId,
            action.type === 'record'
              ? await handleCommand(deps.store, streamId, referral, {
                  type: 'RecordConsent',
                  data: { referralId, ...action.consent },
                  metadata: metadata(),
                })
              : await withdraw({ referralId, kind: action.kind, withdrawnBy: EHR_CONSENT_ACTOR }, context),
          );
        }
      }
      if (assembled.kind !== 'complete') continue;
      // The age the gateway computed for this referral makes it placeable without a staff re-screen.
      const { ageAtReferral } = requested.evidence;
      const ehrFacts = ageAtReferral === undefined ? assembled.facts : { ...assembled.facts, age: ageAtReferral };
      const facts = withStandingFacts(ehrFacts, current.status === 'none' ? undefined : current.screening?.facts);
      // A cancelled referral stays cancelled: new scores do not screen it.
      run(
        referralId,
        await handleCommand(deps.store, streamId, referral, {
          type: 'ScreenMember',
          data: { referralId, facts },
          metadata: metadata(),
        }),
        ['enrollment.referral-cancelled'],
      );
    }
    return result;
  };
}
