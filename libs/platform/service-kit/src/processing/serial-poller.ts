export interface SerialPoller {
  /** Runs a pass now, after the one in flight (never two at once); resolves with its outcome. */
  runNow(): Promise<void>;
  /** No further passes; resolves once the pass in flight has ended. */
  stop(): Promise<void>;
}

/**
 * The one way a service polls (timers, due deliveries, repairs): `pass` every `everyMs`, one at a time.
 * A tick that finds a pass still running is skipped, not queued, so a slow database never piles work up;
 * a failed pass goes to `onError` and the next tick retries. The timer does not keep the process alive.
 */
export function startSerialPoller(
  pass: () => Promise<unknown>,
  everyMs: number,
  onError: (error: unknown) => void,
): SerialPoller {
  let inFlight: Promise<void> | undefined;
  let stopped = false;
  const run = (): Promise<void> => {
    const previous = inFlight ?? Promise.resolve();
    const next = previous.then(async () => void (await pass()));
    const settled = next.catch(onError).finally(() => {
      if (inFlight === settled) inFlight = undefined;
    });
    inFlight = settled;
    return next;
  };
  const timer = setInterval(() => {
    if (!stopped && !inFlight) void run().catch(() => undefined);
  }, everyMs);
  timer.unref();
  return {
    runNow: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await inFlight;
    },
  };
}
