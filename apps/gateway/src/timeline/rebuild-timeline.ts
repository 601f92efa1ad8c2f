import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { rebuildTimeline, sqlOfPool, type RebuildProgress } from '@carecircle/gateway/read-models';
import { createLogger } from '@carecircle/platform/observability';

const BAR_WIDTH = 30;
/** At most one progress log line per interval (plus the first and the last). */
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
  /** The progress bar's stream (a TTY redraws one line); stderr by default, the log lines go to stdout. */
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Progress at intervals as log lines: counts and rates only, never an event's content. */
  logger?: { info(fields: RebuildLogFields, message: string): void };
  /** Milliseconds, for the rate and the intervals. */
  now?: () => number;
}

/**
 * Rebuilds the care timeline from the source events the gateway kept (`rebuildTimeline`: shadow tables
 * swapped in at the end, so readers and the live path carry on meanwhile). Draws a progress bar on `out`
 * and logs progress (events done/total, events/s) at intervals.
 */
export async function runTimelineRebuild(
  databaseUrl: string,
  {
    out = process.stderr,
    logger = createLogger('gateway-timeline-rebuild'),
    now = () => performance.now(),
  }: RebuildReporting = {},
): Promise<RebuildProgress> {
  // Two connections: the next page is read while the last one is written.
  const [client, reader] = [0, 1].map(
    () => new Client({ connectionString: databaseUrl, application_name: 'timeline-rebuild' }),
  ) as [Client, Client];
  await client.connect();
  await reader.connect().catch(async (error: unknown) => {
    await client.end();
    throw error;
  });
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
  try {
    const result = await rebuildTimeline(sqlOfPool(client), {
      reader: sqlOfPool(reader),
      onProgress: (progress) => {
        if (now() - lastLogAt >= LOG_INTERVAL_MS) {
          lastLogAt = now();
          log(progress, 'timeline rebuild progress');
        }
        const line = progressBar(progress);
        if (line === lastLine) return;
        lastLine = line;
        out.write(out.isTTY ? `\r${line}` : `${line}\n`);
      },
    });
    log(result, 'timeline rebuilt');
    out.write(`${out.isTTY ? '\n' : ''}timeline rebuilt from ${result.done} events\n`);
    return result;
  } finally {
    await Promise.all([client.end(), reader.end()]);
  }
}

// `node dist/apps/gateway/src/timeline/rebuild-timeline.js` with DATABASE_URL set (the gateway's database).
if (require.main === module) {
  const url = process.env['DATABASE_URL'];
  if (!url) {
    console.error('DATABASE_URL is required (the gateway database)');
    process.exit(2);
  }
  runTimelineRebuild(url).catch((error: unknown) => {
    console.error(`timeline rebuild failed: ${error instanceof Error ? error.name : 'error'}`);
    process.exit(1);
  });
}
