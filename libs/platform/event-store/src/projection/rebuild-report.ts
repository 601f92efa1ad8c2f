import { performance } from 'node:perf_hooks';
import type { RebuildProgress } from './shadow-rebuild';

const BAR_WIDTH = 30;
/** At most one progress log line per interval (plus the last). */
const LOG_INTERVAL_MS = 1_000;

/** `[#########.....] 42% 4200/10000 events` */
export function progressBar({ done, total }: RebuildProgress): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total} events`;
}

/** What a progress log line says: counts and rates, never an event's content. */
export interface RebuildLogFields {
  done: number;
  total: number;
  seconds: number;
  eventsPerSec: number;
}

export interface RebuildReporting {
  /** The progress bar's stream (a TTY redraws one line); stderr by default, the log lines go to the logger. */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Progress at intervals as log lines: counts and rates only, never an event's content. */
  logger: { info(fields: RebuildLogFields, message: string): void };
  /** Milliseconds, for the rate and the intervals. */
  now?: () => number;
}

/**
 * Runs a rebuild (`what` names it: "timeline", "liaison alerts") with a progress bar on `out` and
 * progress log lines (events done/total, events/s) at intervals, then a last line and a summary.
 */
export async function reportRebuild(
  what: string,
  rebuild: (onProgress: (progress: RebuildProgress) => void) => Promise<RebuildProgress>,
  { out = process.stderr, logger, now = () => performance.now() }: RebuildReporting,
): Promise<RebuildProgress> {
  const started = now();
  let lastLine = '';
  let lastLogAt = Number.NEGATIVE_INFINITY;
  const log = (progress: RebuildProgress, message: string) => {
    const seconds = (now() - started) / 1000;
    logger.info(
      {
        done: progress.done,
        total: progress.total,
        seconds: Math.round(seconds * 100) / 100,
        eventsPerSec: seconds > 0 ? Math.round(progress.done / seconds) : 0,
      },
      message,
    );
  };
  const result = await rebuild((progress) => {
    if (now() - lastLogAt >= LOG_INTERVAL_MS) {
      lastLogAt = now();
      log(progress, `${what} rebuild progress`);
    }
    const line = progressBar(progress);
    if (line === lastLine) return;
    lastLine = line;
    out.write(out.isTTY ? `\r${line}` : `${line}\n`);
  });
  log(result, `${what} rebuilt`);
  out.write(`${out.isTTY ? '\n' : ''}${what} rebuilt from ${result.done} events\n`);
  return result;
}
