import { Topics } from '@carecircle/contracts';
import {
  rebuildIntoShadows,
  type RebuildProgress,
  type ServiceRebuildOptions,
  type Sql,
} from '@carecircle/platform/event-store';
import { keptMessageProjection } from '@carecircle/platform/messaging';
import { rosterRoutes } from './roster.projection';

/** The consumer group whose inbox keeps enrollment's events for scheduling (the service's name). */
export const ROSTER_CONSUMER = 'scheduling';

/**
 * Rebuilds scheduling's rosters from zero, from the enrollment events its inbox kept (enrollment's
 * topic has a retention of its own), beside the live tables (`rebuildIntoShadows`). Only the roster's
 * projection runs (`rosterRoutes`): the load reassessments the live route also owes are not part of it.
 * The tables are listed in the order the live route first writes them, the order the swap locks them in.
 * The summary counts every fact applied, and the kept events hold each event once, as the inbox applied it.
 *
 * `sql` must be bound to one connection outside any transaction.
 */
export function rebuildRoster(
  sql: Sql,
  { writer, onProgress, pageSize }: Omit<ServiceRebuildOptions, 'store'>,
): Promise<RebuildProgress> {
  const projection = keptMessageProjection({
    name: 'roster',
    schema: 'public',
    tables: ['roster_entry', 'group_roster_summary'],
    consumer: ROSTER_CONSUMER,
    topics: [Topics.enrollment],
    routes: rosterRoutes,
    writer,
    pageSize,
  });
  return rebuildIntoShadows(sql, projection, { onProgress });
}
