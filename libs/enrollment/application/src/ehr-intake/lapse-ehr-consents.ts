import type { RecordedEvent } from '@carecircle/platform/event-store';
import {
  EHR_CONSENT_ACTOR,
  ehrConsentLapse,
  ehrIntakeDecider,
  ehrIntakeStreamId,
  referralStreamId,
  type EhrIntakeEvent,
  type ReferralEvent,
  type ReferralState,
} from '@carecircle/enrollment/domain';
import { withdrawConsent } from '../consent/consent.handlers';
import { decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import type { ProcessCheckpoint } from '../placement/complete-placement';
import type { RequestContext } from '../request-context';

/** One FHIR Consent's scheduled end, as the schedule knows it from the log. */
export interface ConsentLapse {
  memberId: string;
  resourceId: string;
  endsAt: string;
  /** Global position of the noted revision that set this end. */
  position: bigint;
}

/**
 * When each granting FHIR Consent ends (a read model of the ehr-intake log). Writes carry the log position
 * and never go back to an older one, so replicas catching up side by side agree.
 */
export interface ConsentLapseSchedule {
  /** The latest noted revision of a Consent: its end (`null`: none, or no longer granting). */
  plan(memberId: string, resourceId: string, endsAt: string | null, position: bigint): Promise<void>;
  /** Ends at or before `now`, earliest first. */
  due(now: Date, limit: number): Promise<ConsentLapse[]>;
  /** This end was acted on: forgotten unless a newer revision has replaced it since. */
  done(lapse: ConsentLapse): Promise<void>;
}

const EHR_INTAKE_PREFIX = ehrIntakeStreamId('');

/**
 * Lapses FHIR Consents whose provision period has ended, on `deps.clock`: (1) follows the event log from its
 * checkpoint and schedules the end of every granting Consent revision noted (a newer revision replaces it, one
 * without an end or no longer granting unschedules it); (2) for each end now passed, withdraws the consent it
 * granted from each of the member's open EHR referrals exactly as an inactive Consent would (ConsentWithdrawn
 * published, the member leaves their group or waitlist with consent-withdrawn), unless `ehrConsentLapse` says a
 * newer revision, another granting Consent or a REST re-consent cancelled it. Each withdrawal is idempotent,
 * so a second replica, a repeat or a restart changes nothing twice. Answers how many events it appended.
 */
export function lapseEndedEhrConsents(
  deps: EnrollmentDeps,
  checkpoint: ProcessCheckpoint,
  schedule: ConsentLapseSchedule,
  options: { batchSize?: number; maxBatches?: number } = {},
) {
  const { referral } = decidersFor(deps.policy);
  const withdraw = withdrawConsent(deps);
  const batchSize = options.batchSize ?? 500;
  const planFrom = async (event: RecordedEvent) => {
    if (!event.streamId.startsWith(EHR_INTAKE_PREFIX) || event.type !== 'EhrEvidenceNoted') return;
    const { memberId, resourceId, evidence } = (
      event as unknown as RecordedEvent<'EhrEvidenceNoted', EhrIntakeEvent['data']>
    ).data;
    // Only Consents are scheduled. A Consent later retracted (another scope) keeps its row: the lapse re-reads
    // the evidence when due, finds no granting Consent there, and forgets it.
    if (evidence.kind !== 'consent') return;
    await schedule.plan(
      memberId,
      resourceId,
      evidence.state === 'granted' && evidence.endsAt ? evidence.endsAt : null,
      event.globalPosition,
    );
  };
  const lapse = async (due: ConsentLapse, context: RequestContext): Promise<number | undefined> => {
    const now = deps.clock.now();
    const { state } = await loadState<EhrIntakeEvent, typeof ehrIntakeDecider.initialState>(
      deps.store,
      ehrIntakeStreamId(due.memberId),
      ehrIntakeDecider,
    );
    let appended = 0;
    for (const item of state.evidence) {
      if (item.evidence.kind !== 'referral' || item.evidence.state !== 'active') continue;
      const referralId = item.resourceId;
      const { state: current } = await loadState<ReferralEvent, ReferralState>(
        deps.store,
        referralStreamId(referralId),
        referral,
      );
      if (current.status === 'none' || current.status === 'cancelled') continue;
      for (const action of ehrConsentLapse(state.evidence, due.resourceId, current.consents, now)) {
        if (action.type !== 'withdraw') continue;
        const outcome = await withdraw({ referralId, kind: action.kind, withdrawnBy: EHR_CONSENT_ACTOR }, context);
        // A refusal or a failed second step: the end stays scheduled and the next poll tries again.
        if (!outcome.ok) return undefined;
        appended += outcome.events.length;
      }
    }
    return appended;
  };
  return async (context: RequestContext): Promise<number> => {
    for (let batch = 0; batch < (options.maxBatches ?? 20); batch++) {
      const events = await deps.store.readAll({ after: await checkpoint.load(), maxCount: batchSize });
      for (const event of events) await planFrom(event);
      if (events.length > 0) await checkpoint.save(events.at(-1)!.globalPosition);
      if (events.length < batchSize) break;
    }
    let changes = 0;
    for (const due of await schedule.due(deps.clock.now(), batchSize)) {
      const appended = await lapse(due, context);
      if (appended === undefined) continue;
      changes += appended;
      await schedule.done(due);
    }
    return changes;
  };
}
