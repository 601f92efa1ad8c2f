import { Client } from 'pg';
import { rebuildTimeline } from '@carecircle/gateway/read-models';
import { createLogger } from '@carecircle/platform/observability';
import {
  reportRebuild,
  sqlOfPool,
  type RebuildProgress,
  type RebuildReporting,
} from '@carecircle/platform/event-store';

/**
 * Rebuilds the care timeline from the source events the gateway kept (`rebuildTimeline`: shadow tables
 * swapped in at the end, so readers and the live path carry on meanwhile), with a progress bar on `out`
 * and progress log lines (events done/total, events/s) at intervals.
 */
export async function runTimelineRebuild(
  databaseUrl: string,
  reporting: Partial<RebuildReporting> = {},
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
  try {
    return await reportRebuild(
      'timeline',
      (onProgress) => rebuildTimeline(sqlOfPool(client), { reader: sqlOfPool(reader), onProgress }),
      { logger: createLogger('gateway-timeline-rebuild'), ...reporting },
    );
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
