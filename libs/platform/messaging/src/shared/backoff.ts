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
