import { jitteredBackoffDelayMs } from '@carecircle/platform/messaging';

export interface DeliveryRetryPolicy {
  /** The attempt after which a push that still fails is parked. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
}

/** What one attempt came to: an HTTP status, or the class of the error when no answer came. */
export type AttemptOutcome = { status: number } | { errorClass: string };

export type DeliveryStep =
  { kind: 'delivered' } | { kind: 'retry'; delayMs: number } | { kind: 'park'; reason: string };

/** Statuses a receiver uses to say "later", not "never": they are retried like a 5xx. */
const RETRIABLE_4XX = new Set([408, 425, 429]);

/**
 * Decides what follows attempt number `attempt` (1-based). A 2xx is done. A 4xx (but 408, 425, 429)
 * will not change by sending the same bytes again: parked at once. A 5xx, a timeout or a network error is
 * retried after a jittered exponential delay, until `maxAttempts`, then parked. Any other status (1xx,
 * 3xx: the receiver is misconfigured) is parked.
 */
export function nextDeliveryStep(
  outcome: AttemptOutcome,
  attempt: number,
  policy: DeliveryRetryPolicy,
  random: () => number = Math.random,
): DeliveryStep {
  if ('status' in outcome) {
    const { status } = outcome;
    if (status >= 200 && status < 300) return { kind: 'delivered' };
    if (status >= 400 && status < 500 && !RETRIABLE_4XX.has(status))
      return { kind: 'park', reason: `rejected with ${status}` };
    if (status < 400) return { kind: 'park', reason: `unexpected status ${status}` };
  }
  const failure = 'status' in outcome ? `status ${outcome.status}` : outcome.errorClass;
  if (attempt >= policy.maxAttempts) return { kind: 'park', reason: `${failure} after ${attempt} attempts` };
  return {
    kind: 'retry',
    delayMs: jitteredBackoffDelayMs(
      { initialDelayMs: policy.baseMs, maxDelayMs: policy.maxMs, multiplier: 2 },
      attempt,
      random,
    ),
  };
}

/**
 * Whether a pass may still start a send under a lease ending at `leaseUntil`: only when the send ends,
 * timed out at worst, a whole `timeoutMs` before the lease does (room for recording it and for replica
 * clocks a little apart), so no other replica can claim a push while it is being sent. Rows left over are
 * taken back by the same replica's next pass.
 */
export function leaseAllowsSend(now: Date, leaseUntil: Date, timeoutMs: number): boolean {
  return leaseUntil.getTime() - now.getTime() >= 2 * timeoutMs;
}
