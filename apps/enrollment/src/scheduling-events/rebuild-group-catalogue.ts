import { enrollmentReadModelEntities, rebuildGroupCatalogue } from '@carecircle/enrollment/read-models';
import {
  runRebuildCommand,
  runRebuildFromEnvironment,
  type RebuildProgress,
  type RebuildReporting,
} from '@carecircle/platform/event-store';
import { createLogger } from '@carecircle/platform/observability';

/**
 * `npm run catalogue:rebuild`: enrollment's group catalogue rebuilt from the scheduling events its inbox
 * kept (`rebuildGroupCatalogue`: a shadow table swapped in at the end, so matching and the Kafka consumer
 * carry on meanwhile). The seat keeper's record of opened groups is a table of its own and stays as it is.
 */
export function runGroupCatalogueRebuild(
  databaseUrl: string,
  reporting: Partial<RebuildReporting> = {},
): Promise<RebuildProgress> {
  return runRebuildCommand(
    databaseUrl,
    { what: 'group catalogue', entities: enrollmentReadModelEntities, rebuild: rebuildGroupCatalogue },
    { logger: createLogger('enrollment-catalogue-rebuild'), ...reporting },
  );
}

if (require.main === module) runRebuildFromEnvironment(runGroupCatalogueRebuild, 'group catalogue');
