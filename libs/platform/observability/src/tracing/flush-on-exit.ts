import type { TracingHandle } from './start-tracing';

const SHUTDOWN_SIGNALS: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

/**
 * Makes sure buffered spans are exported when the process ends, without taking over shutdown:
 * - If the application listens for the signal too (Nest's `enableShutdownHooks`), it owns the
 *   shutdown and flushes tracing as its last step (the service kit does), so spans of requests
 *   drained during the graceful close are not lost. Nothing happens here.
 * - Otherwise the spans are flushed and the signal is raised again, so the process ends as it
 *   would have without this handler.
 * - A process that simply runs out of work flushes on `beforeExit`.
 */
export function flushTracingOnExit(tracing: TracingHandle): void {
  const onSignal = (signal: NodeJS.Signals) => {
    for (const s of SHUTDOWN_SIGNALS) process.removeListener(s, onSignal);
    if (process.listenerCount(signal) > 0) return;
    void tracing.shutdown().finally(() => process.kill(process.pid, signal));
  };
  for (const signal of SHUTDOWN_SIGNALS) process.on(signal, onSignal);
  process.once('beforeExit', () => void tracing.shutdown());
}
