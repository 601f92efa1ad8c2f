import { rebuildRoster, schedulingReadModelEntities } from '@carecircle/scheduling/read-models';
import {
  runRebuildCommand,
  runRebuildFromEnvironment,
  type RebuildProgress,
  type RebuildReporting,
} from '@carecircle/platform/event-store';
import { createLogger } from '@carecircle/platform/observability';

/**
 * `npm run roster:rebuild`: scheduling's group rosters rebuilt from the enrollment events its inbox kept
 * (`rebuildRoster`: shadow tables swapped in at the end, so reads and the Kafka consumer carry on). Only the
 * roster is rebuilt: the load reassessments the consumer owes are left as they are.
 */
export function runRosterRebuild(
  databaseUrl: string,
  reporting: Partial<RebuildReporting> = {},
): Promise<RebuildProgress> {
  return runRebuildCommand(
    databaseUrl,
    {
      what: 'scheduling roster',
      entities: schedulingReadModelEntities,
      rebuild: rebuildRoster,
    },
    { logger: createLogger('scheduling-roster-rebuild'), ...reporting },
  );
}

if (require.main === module) runRebuildFromEnvironment(runRosterRebuild, 'scheduling roster');
