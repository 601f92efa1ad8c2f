/**
 * Runs `tick` every `everyMs`, one run at a time (a slow run delays the next, never overlaps it);
 * a failed run is reported and the next one retries. `stop()` waits for the run in flight.
 */
export function startSerialInterval(tick: () => Promise<unknown>, everyMs: number, onError: (error: unknown) => void): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => void (await tick())).catch(onError);
  }, everyMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
