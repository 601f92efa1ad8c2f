import { handleCommand } from '@carecircle/platform/event-sourcing';
import {
  coordinationDecider,
  coordinationStreamId,
  type CoordinationCommand,
} from '@carecircle/clinician-liaison/domain';
import type { LiaisonDeps, RequestContext } from '../liaison-deps';

type DataOf<T extends CoordinationCommand['type']> = Extract<CoordinationCommand, { type: T }>['data'];

/**
 * Every care-team, treatment and external-fact command goes to the member's coordination stream,
 * so a member's facts are decided and ordered one at a time. Repeats are accepted and change nothing.
 */
export function coordinate(deps: Pick<LiaisonDeps, 'store' | 'clock'>) {
  return <T extends CoordinationCommand['type']>(type: T, data: DataOf<T>, context: RequestContext) =>
    handleCommand(deps.store, coordinationStreamId(data.memberId), coordinationDecider, {
      type,
      data,
      metadata: { now: deps.clock.now(), ...context },
    } as CoordinationCommand);
}
