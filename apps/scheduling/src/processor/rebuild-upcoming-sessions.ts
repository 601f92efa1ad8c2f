import { rebuildUpcomingSessions, schedulingReadModelEntities } from '@carecircle/scheduling/read-models';
import {
  runRebuildCommand,
  runRebuildFromEnvironment,
  type RebuildProgress,
  type RebuildReporting,
} from '@carecircle/platform/event-store';
import { createLogger } from '@carecircle/platform/observability';

/**
 * `npm run sessions:rebuild`: the facilitators' upcoming sessions rebuilt from scheduling's own log
 * (`rebuildUpcomingSessions`: shadow tables swapped in at the end, so reads and the processor carry on).
 * Scheduling declares no upcasters: its events are all at their first version.
 */
export function runUpcomingSessionsRebuild(
  databaseUrl: string,
  reporting: Partial<RebuildReporting> = {},
): Promise<RebuildProgress> {
  return runRebuildCommand(
    databaseUrl,
    {
      what: 'upcoming sessions',
      entities: schedulingReadModelEntities,
      rebuild: rebuildUpcomingSessions,
    },
    { logger: createLogger('scheduling-sessions-rebuild'), ...reporting },
  );
}

if (require.main === module) runRebuildFromEnvironment(runUpcomingSessionsRebuild, 'upcoming sessions');
