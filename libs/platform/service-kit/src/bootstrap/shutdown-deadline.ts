/** Kubernetes sends SIGKILL 30 s after SIGTERM by default; a service that has not exited by 10 s is stuck. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;

interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
}

/**
 * After SIGTERM or SIGINT, the graceful close (Nest's shutdown hooks: HTTP drained, consumers' batches
 * finished and committed, pools closed) gets `deadlineMs`; a hook that hangs must not keep the process
 * alive, so past the deadline it logs and exits non-zero. Offsets not committed are consumed again, and
 * inboxes absorb the repeats. The timer is unref'd: a clean close exits first.
 */
export function armShutdownDeadline(
  deadlineMs: number,
  onOverrun: () => void,
  signals: SignalSource = process,
  setTimer: (fn: () => void, ms: number) => { unref(): unknown } = setTimeout,
): void {
  const arm = () => void setTimer(onOverrun, deadlineMs).unref();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) signals.once(signal, arm);
}
