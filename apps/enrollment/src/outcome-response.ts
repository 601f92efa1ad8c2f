import type { CommandOutcome } from '@carecircle/platform/event-sourcing';
import { isDomainError, type DomainError } from '@carecircle/shared-kernel';

/** Domain errors are thrown here, at the edge, so the service kit's filter maps them to 404/409/422. */
export function unwrap<E>(outcome: CommandOutcome<E>): { changed: boolean; events: readonly E[] } {
  if (!outcome.ok) throw outcome.error;
  return { changed: outcome.events.length > 0, events: outcome.events };
}

/** A query's answer, or its domain error thrown for the filter. */
export function orThrow<T>(result: T | DomainError): T {
  if (isDomainError(result)) throw result;
  return result;
}
