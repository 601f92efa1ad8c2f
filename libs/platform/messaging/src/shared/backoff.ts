export interface Backoff {
  initialDelayMs: number;
  maxDelayMs: number;
  multiplier: number;
}

/** Delay after the `failures`-th consecutive failure (1-based): exponential, capped at `maxDelayMs`. */
export function backoffDelayMs(backoff: Backoff, failures: number): number {
  return Math.min(backoff.maxDelayMs, backoff.initialDelayMs * backoff.multiplier ** Math.max(0, failures - 1));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * "Full jitter": a uniform delay between 0 and the capped exponential one, so that many senders that
 * failed together do not retry together. `random` is injected for tests (default Math.random).
 */
export function jitteredBackoffDelayMs(backoff: Backoff, failures: number, random: () => number = Math.random): number {
  return Math.floor(random() * backoffDelayMs(backoff, failures));
}
