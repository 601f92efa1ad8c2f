import { Client } from 'pg';
import { rebuildTimeline } from '@carecircle/gateway/read-models';
import { createLogger } from '@carecircle/platform/observability';
import {
  reportRebuild,
  runRebuildFromEnvironment,
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

if (require.main === module) runRebuildFromEnvironment(runTimelineRebuild, 'timeline');
