import { Topics } from '@carecircle/contracts';
import {
  rebuildIntoShadows,
  type RebuildProgress,
  type ServiceRebuildOptions,
  type Sql,
} from '@carecircle/platform/event-store';
import { keptMessageProjection } from '@carecircle/platform/messaging';
import { cohortMeasureRoutes, cohortSchedulingRoutes } from './cohort.routes';

/** The consumer group (and inbox consumer) whose kept events feed the cohort: the service's name. */
export const COHORT_CONSUMER = 'outcomes';
/** The topics the cohort is fed from; both are kept (`keep: true`) by outcomes' topic handlers. */
export const COHORT_TOPICS: readonly string[] = [Topics.outcomes, Topics.scheduling];

/**
 * Rebuilds the cohort read model (measures, attendance, groups) from zero, from the events outcomes'
 * inbox kept of its own topic and scheduling's, beside the live tables (`rebuildIntoShadows`), with the
 * live handlers' routes. Tables are listed in the order the live path creates and first writes them; at the
 * swap they are locked against writers in that order, so an inbox transaction that has written one has
 * committed (its event is folded) and one that has not writes to the rebuilt tables after the swap.
 *
 * `sql` must be bound to one connection outside any transaction.
 */
export async function rebuildCohort(
  sql: Sql,
  { writer, onProgress, pageSize }: Pick<ServiceRebuildOptions, 'writer' | 'onProgress' | 'pageSize'>,
): Promise<RebuildProgress> {
  const projection = keptMessageProjection({
    name: 'outcomes_cohort',
    schema: 'public',
    tables: ['outcome_measure', 'member_session_attendance', 'cohort_group'],
    consumer: COHORT_CONSUMER,
    topics: COHORT_TOPICS,
    routes: [...cohortMeasureRoutes, ...cohortSchedulingRoutes],
    writer,
    pageSize,
  });
  return rebuildIntoShadows(sql, projection, { onProgress });
}
