import { handleCommand, type CommandOutcome } from '@carecircle/platform/event-sourcing';
import type { RecordedEvent } from '@carecircle/platform/event-store';
import {
  groupSeatsStreamId,
  referralStreamId,
  type GroupSeatsEvent,
  type GroupSeatsState,
  type ReferralEvent,
  type SeatHolder,
} from '@carecircle/enrollment/domain';
import { domainError } from '@carecircle/shared-kernel';
import { decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import type { RequestContext } from '../request-context';
import { actOnGroupSeats } from './group-seats.handlers';

/** Where a member stands in one group's seats stream. */
export function standing(state: GroupSeatsState, memberId: string): 'enrolled' | 'waiting' | 'none' {
  if (state.enrolled.some((member) => member.memberId === memberId)) return 'enrolled';
  if (
    state.waitlist.some((member) => member.memberId === memberId) ||
    state.offers.some((offer) => offer.memberId === memberId)
  )
    return 'waiting';
  return 'none';
}

export interface CompletePlacementOptions {
  /** Record only while the referral still points at this group (null: none); a repair passes what it saw. */
  ifPlacedIn?: string | null;
}

/**
 * The second half of a placement, after the seat decision on the group's stream: a member who took a seat
 * leaves any waitlist the referral still points at (placed-elsewhere), then the referral remembers the
 * group. Each step is idempotent, so running it again (a retry, or the repair poll after a crash between
 * the appends) finishes what is missing and changes nothing else.
 */
export function completePlacement(deps: EnrollmentDeps) {
  const deciders = decidersFor(deps.policy);
  const act = actOnGroupSeats(deps);
  return async (
    holder: SeatHolder,
    groupId: string,
    context: RequestContext,
    options: CompletePlacementOptions = {},
  ): Promise<CommandOutcome<ReferralEvent>> => {
    const streamId = referralStreamId(holder.referralId);
    const { state: referral } = await loadState<ReferralEvent, typeof deciders.referral.initialState>(
      deps.store,
      streamId,
      deciders.referral,
    );
    if (referral.status === 'none')
      return {
        ok: false,
        error: domainError('not-found', 'enrollment.referral-unknown', 'No referral with this id has been received.'),
      };
    const previous = referral.placementGroupId;
    if (previous === groupId) return { ok: true, events: [], nextExpectedVersion: -1 };
    if (
      previous &&
      (await groupStanding(deps, groupId, holder.memberId)) === 'enrolled' &&
      (await groupStanding(deps, previous, holder.memberId)) === 'waiting'
    ) {
      const left = await act(
        previous,
        { type: 'LeaveGroup', memberId: holder.memberId, reason: 'placed-elsewhere' },
        context,
      );
      if (!left.ok && left.error.code !== 'enrollment.group-unknown') return left;
    }
    return handleCommand(deps.store, streamId, deciders.referral, {
      type: 'RecordPlacement',
      data: {
        referralId: holder.referralId,
        groupId,
        ...(options.ifPlacedIn !== undefined ? { ifPlacedIn: options.ifPlacedIn } : {}),
      },
      metadata: { now: deps.clock.now(), ...context },
    });
  };
}

async function groupStanding(deps: EnrollmentDeps, groupId: string, memberId: string) {
  const { groupSeats } = decidersFor(deps.policy);
  const { state } = await loadState<GroupSeatsEvent, GroupSeatsState>(
    deps.store,
    groupSeatsStreamId(groupId),
    groupSeats,
  );
  return standing(state, memberId);
}

/** Where the repair poll has read the event log up to (a durable checkpoint). */
export interface ProcessCheckpoint {
  load(): Promise<bigint | undefined>;
  save(position: bigint): Promise<void>;
}

const PLACING: ReadonlySet<string> = new Set<GroupSeatsEvent['type']>(['MemberEnrolled', 'MemberWaitlisted']);

/**
 * The placement process manager: follows the event log from its checkpoint and, for every seat taken or
 * waitlist joined on a group's stream, makes sure the referral recorded the placement afterwards. A
 * placement whose second append is missing (a crash between the two) is completed; one superseded by a
 * later placement, or that the member has since left, is left alone. Answers how many it completed.
 */
export function completeDanglingPlacements(
  deps: EnrollmentDeps,
  checkpoint: ProcessCheckpoint,
  options: { batchSize?: number; maxBatches?: number } = {},
) {
  const complete = completePlacement(deps);
  const { referral: referralDecider } = decidersFor(deps.policy);
  const batchSize = options.batchSize ?? 500;
  const repairOne = async (placed: RecordedEvent, context: RequestContext): Promise<boolean> => {
    const data = placed.data as SeatHolder & { groupId: string };
    const { history, state } = await loadState<ReferralEvent, typeof referralDecider.initialState>(
      deps.store,
      referralStreamId(data.referralId),
      referralDecider,
    );
    if (state.status === 'none' || state.placementGroupId === data.groupId) return false;
    if (history.some((event) => event.type === 'PlacementRecorded' && event.globalPosition > placed.globalPosition))
      return false;
    if ((await groupStanding(deps, data.groupId, data.memberId)) === 'none') return false;
    const outcome = await complete(data, data.groupId, context, { ifPlacedIn: state.placementGroupId ?? null });
    // A domain refusal is permanent (e.g. the referral is unknown): the log moves on; store failures throw and retry.
    return outcome.ok && outcome.events.length > 0;
  };
  return async (context: RequestContext): Promise<number> => {
    let completed = 0;
    for (let batch = 0; batch < (options.maxBatches ?? 20); batch++) {
      const events = await deps.store.readAll({ after: await checkpoint.load(), maxCount: batchSize });
      for (const event of events) {
        if (
          event.streamId.startsWith(groupSeatsStreamId('')) &&
          PLACING.has(event.type) &&
          (await repairOne(event, context))
        )
          completed++;
      }
      if (events.length > 0) await checkpoint.save(events.at(-1)!.globalPosition);
      if (events.length < batchSize) break;
    }
    return completed;
  };
}
