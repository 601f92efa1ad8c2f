import {
  admissionRefusal,
  freeSeats,
  groupSeatsStreamId,
  type CatalogueGroup,
  type GroupSeatsEvent,
  type GroupSeatsState,
  type WaitingElsewhere,
} from '@carecircle/enrollment/domain';
import { capacityOf, decidersFor, loadState, type EnrollmentDeps } from '../enrollment-deps';
import type { RequestContext } from '../request-context';
import { actOnGroupSeats } from './group-seats.handlers';

/** Groups formed in scheduling whose seats have not yet been offered to members waiting elsewhere. */
export interface GroupOpenings {
  pending(): Promise<CatalogueGroup[]>;
  markOpened(groupId: string): Promise<void>;
}

const sameKind = (a: CatalogueGroup, b: CatalogueGroup) =>
  a.groupType === b.groupType &&
  (a.condition ?? null) === (b.condition ?? null) &&
  (a.stage ?? null) === (b.stage ?? null);

/**
 * When scheduling forms a new group, its seats are offered to members waiting on full groups of the same
 * type, condition and stage: most urgent first, first come first served within a priority, each re-checked
 * (screening outcome, consents, and the new group must fit their screening constraints). A crash before the
 * group is marked opened repeats the step, which offers nothing twice. Answers the seats offered.
 */
export function openNewGroupsToWaitlists(deps: EnrollmentDeps, openings: GroupOpenings) {
  const { groupSeats } = decidersFor(deps.policy);
  const act = actOnGroupSeats(deps);
  return async (context: RequestContext): Promise<number> => {
    const pending = await openings.pending();
    if (pending.length === 0) return 0;
    const catalogue = await deps.catalogue.list();
    const now = deps.clock.now();
    let offered = 0;
    for (const group of pending) {
      const candidates: WaitingElsewhere[] = [];
      for (const other of catalogue.filter((g) => g.groupId !== group.groupId && !g.closed && sameKind(g, group))) {
        const { state } = await loadState<GroupSeatsEvent, GroupSeatsState>(
          deps.store,
          groupSeatsStreamId(other.groupId),
          groupSeats,
        );
        const capacity = capacityOf(other, now);
        // Not full and taking members: its own waitlist gets its free seats. A closed group that has started
        // never does, so the members waiting there for its next course are offered this group's seats.
        if (!admissionRefusal(capacity) && freeSeats(state, capacity) > 0) continue;
        candidates.push(...state.waitlist.map((waiting) => ({ ...waiting, waitingInGroupId: other.groupId })));
      }
      candidates.sort((a, b) => a.priority - b.priority || a.waitlistedAt.localeCompare(b.waitlistedAt));
      if (candidates.length > 0) {
        const outcome = await act(group.groupId, { type: 'OfferSeatsToWaitingElsewhere', candidates }, context);
        if (!outcome.ok && outcome.error.code !== 'enrollment.group-unknown')
          throw new Error(`could not open ${group.groupId} to waitlists: ${outcome.error.code}`);
        if (outcome.ok) offered += outcome.events.filter((event) => event.type === 'SeatOffered').length;
      }
      await openings.markOpened(group.groupId);
    }
    return offered;
  };
}
