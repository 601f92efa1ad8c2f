import { coordinationUpcasters } from '@carecircle/clinician-liaison/application';
import { liaisonReadModelEntities, rebuildAlerts } from '@carecircle/clinician-liaison/read-models';
import {
  runRebuildCommand,
  runRebuildFromEnvironment,
  type RebuildProgress,
  type RebuildReporting,
} from '@carecircle/platform/event-store';
import { createLogger } from '@carecircle/platform/observability';

/**
 * `npm run alerts:rebuild`: clinician-liaison's alert inbox rebuilt from its own log (`rebuildAlerts`: a
 * shadow table swapped in at the end, so clinicians' reads and the processor carry on meanwhile), read
 * through the service's upcasters as the processor reads it.
 */
export function runAlertsRebuild(
  databaseUrl: string,
  reporting: Partial<RebuildReporting> = {},
): Promise<RebuildProgress> {
  return runRebuildCommand(
    databaseUrl,
    {
      what: 'liaison alerts',
      upcasters: coordinationUpcasters,
      entities: liaisonReadModelEntities,
      rebuild: rebuildAlerts,
    },
    { logger: createLogger('liaison-alerts-rebuild'), ...reporting },
  );
}

if (require.main === module) runRebuildFromEnvironment(runAlertsRebuild, 'liaison alerts');
