import { rebuildCohort } from '@carecircle/outcomes/read-models';
import {
  runRebuildCommand,
  runRebuildFromEnvironment,
  type RebuildProgress,
  type RebuildReporting,
} from '@carecircle/platform/event-store';
import { createLogger } from '@carecircle/platform/observability';

/**
 * `npm run cohort:rebuild`: outcomes' cohort read model rebuilt from the events its inbox kept of its
 * own topic and scheduling's (`rebuildCohort`: shadow tables swapped in at the end, so cohort reports and
 * the consumer carry on meanwhile). The cohort writes with plain SQL: no TypeORM entities.
 */
export function runCohortRebuild(
  databaseUrl: string,
  reporting: Partial<RebuildReporting> = {},
): Promise<RebuildProgress> {
  return runRebuildCommand(
    databaseUrl,
    { what: 'outcomes cohort', entities: [], rebuild: rebuildCohort },
    { logger: createLogger('outcomes-cohort-rebuild'), ...reporting },
  );
}

if (require.main === module) runRebuildFromEnvironment(runCohortRebuild, 'outcomes cohort');
