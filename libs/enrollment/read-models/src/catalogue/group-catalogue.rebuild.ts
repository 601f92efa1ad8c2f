import { Topics } from '@carecircle/contracts';
import {
  rebuildIntoShadows,
  type RebuildProgress,
  type ServiceRebuildOptions,
  type Sql,
} from '@carecircle/platform/event-store';
import { keptMessageProjection } from '@carecircle/platform/messaging';
import { groupCatalogueRoutes } from './group-catalogue.projection';

/** Enrollment's consumer group: its inbox kept scheduling's events (`keep` on the scheduling topic handler). */
export const ENROLLMENT_CONSUMER = 'enrollment';

/**
 * Rebuilds enrollment's group catalogue (`enrollment_group_catalogue`) from zero, from the scheduling
 * events enrollment's inbox kept, beside the live table (`rebuildIntoShadows`), with the live handler's
 * own routes. The table holds only what the topic says: the seat keeper's openings of new groups live in
 * `enrollment_group_opened`, which the rebuild leaves be. At the swap the table is locked against the
 * inbox's writers; readers carry on until the last statements.
 *
 * `sql` must be bound to one connection outside any transaction.
 */
export async function rebuildGroupCatalogue(
  sql: Sql,
  { writer, onProgress, pageSize }: Pick<ServiceRebuildOptions, 'writer' | 'onProgress' | 'pageSize'>,
): Promise<RebuildProgress> {
  const projection = keptMessageProjection({
    name: 'enrollment_group_catalogue',
    schema: 'public',
    tables: ['enrollment_group_catalogue'],
    consumer: ENROLLMENT_CONSUMER,
    topics: [Topics.scheduling],
    routes: groupCatalogueRoutes,
    writer,
    pageSize,
  });
  return rebuildIntoShadows(sql, projection, { onProgress });
}
