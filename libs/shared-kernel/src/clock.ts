/** The only way application code learns the time, so tests can fix it. The system clock lives with the adapters. */
export interface Clock {
  now(): Date;
}

/** A clock that stands still until told to move: for deterministic tests. */
export function fixedClock(instant: Date | string): Clock & { advance(ms: number): void } {
  let current = new Date(instant).getTime();
  return {
    now: () => new Date(current),
    advance: (ms: number) => {
      current += ms;
    },
  };
}
