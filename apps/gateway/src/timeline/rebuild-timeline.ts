import { Client } from 'pg';
import { rebuildTimeline, sqlOfPool, type RebuildProgress } from '@carecircle/gateway/read-models';

const BAR_WIDTH = 30;

/** `[#########.....] 42% 4200/10000 events` */
export function progressBar({ done, total }: RebuildProgress): string {
  const ratio = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(ratio * BAR_WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% ${done}/${total} events`;
}

/**
 * Rebuilds the care timeline from the source events the gateway kept, in one transaction: readers see
 * the old timeline until the new one commits. Writes a progress bar to `out` (a TTY redraws one line).
 */
export async function runTimelineRebuild(
  databaseUrl: string,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<RebuildProgress> {
  const client = new Client({ connectionString: databaseUrl, application_name: 'timeline-rebuild' });
  await client.connect();
  try {
    await client.query('BEGIN');
    let lastLine = '';
    const result = await rebuildTimeline(sqlOfPool(client), (progress) => {
      const line = progressBar(progress);
      if (line === lastLine) return;
      lastLine = line;
      out.write(out.isTTY ? `\r${line}` : `${line}\n`);
    });
    await client.query('COMMIT');
    out.write(`${out.isTTY ? '\n' : ''}timeline rebuilt from ${result.total} events\n`);
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
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
