import type { CommandOutcome } from '@carecircle/platform/event-sourcing';

/** Domain errors are thrown here, at the edge, so the service kit's filter maps them to 404/409/422. */
export function unwrap<E>(outcome: CommandOutcome<E>): { changed: boolean } {
  if (!outcome.ok) throw outcome.error;
  return { changed: outcome.events.length > 0 };
}
