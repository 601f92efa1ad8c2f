import type { EventStore } from '@carecircle/platform/event-store';
import {
  createGroupSeatsDecider,
  createReferralDecider,
  defaultEnrollmentPolicy,
  type CatalogueGroup,
  type EnrollmentPolicy,
  type GroupCapacity,
} from '@carecircle/enrollment/domain';
import { fold, type Clock } from '@carecircle/shared-kernel';

/** The group catalogue enrollment learnt from scheduling's events (a read model). */
export interface GroupCatalogue {
  find(groupId: string): Promise<CatalogueGroup | null>;
  list(): Promise<CatalogueGroup[]>;
}

export interface EnrollmentDeps {
  store: EventStore;
  clock: Clock;
  catalogue: GroupCatalogue;
  policy?: EnrollmentPolicy;
}

/** The deciders with the configured policy. */
export function decidersFor(policy: EnrollmentPolicy = defaultEnrollmentPolicy) {
  return { referral: createReferralDecider(policy), groupSeats: createGroupSeatsDecider(policy) };
}

export function capacityOf(group: CatalogueGroup, now: Date): GroupCapacity {
  return {
    groupId: group.groupId,
    seats: group.seats,
    openness: group.openness,
    started: Date.parse(group.firstSessionAt) <= now.getTime(),
    closed: group.closed,
  };
}

/** Folds a stream into its decider's state (for reads that decide nothing). */
export async function loadState<E, S>(
  store: EventStore,
  streamId: string,
  decider: { initialState: S; evolve(state: S, event: E): S },
) {
  const history = await store.readStream(streamId);
  return {
    history,
    state: fold(
      decider,
      history.map((recorded) => ({ type: recorded.type, data: recorded.data }) as E),
    ),
  };
}
