import { domainError, type Decider } from '@carecircle/shared-kernel';
import type { MemberRecordCommand, MemberRecordEvent, MemberRecordState, ResourceSubmission } from './member-record';

export const memberRecordDecider: Decider<MemberRecordCommand, MemberRecordEvent, MemberRecordState> = {
  initialState: { resources: {} },
  decide(command, state) {
    switch (command.type) {
      case 'IngestResources':
        return ingest(command.data.memberId, command.data.resources, command.metadata.now, state);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'ResourceIngested':
        return {
          resources: {
            ...state.resources,
            [event.data.resourceKey]: { contentHash: event.data.contentHash, revision: event.data.revision },
          },
        };
    }
  },
};

/**
 * Each resource whose content the gateway has not seen yet becomes one event; the same content posted
 * again (an EHR retry, a re-sent Bundle) changes nothing. Two different contents for one resource in
 * the same submission are refused: the gateway could not tell which one is current.
 */
function ingest(memberId: string, resources: readonly ResourceSubmission[], now: Date, state: MemberRecordState) {
  const byKey = new Map<string, ResourceSubmission>();
  for (const resource of resources) {
    const earlier = byKey.get(resource.resourceKey);
    if (earlier && earlier.contentHash !== resource.contentHash) {
      return domainError(
        'conflict',
        'gateway.resource-submitted-twice',
        'The submission holds two different versions of the same resource.',
      );
    }
    byKey.set(resource.resourceKey, resource);
  }
  const events: MemberRecordEvent[] = [];
  for (const resource of byKey.values()) {
    const known = state.resources[resource.resourceKey];
    if (known?.contentHash === resource.contentHash) continue;
    events.push({
      type: 'ResourceIngested',
      data: { memberId, ...resource, revision: (known?.revision ?? 0) + 1, ingestedAt: now.toISOString() },
    });
  }
  return events;
}
