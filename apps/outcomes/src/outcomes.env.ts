import { defineServiceEnv, platformServiceEnv } from '@carecircle/platform/service-kit';
import { outcomesSettingsEnv, readOutcomesConfig } from './outcomes.deps';

/** Every variable outcomes reads, checked together at boot (docs/operations/configuration.md lists them). */
export const outcomesEnv = defineServiceEnv({
  service: 'outcomes',
  defaultPort: 3104,
  variables: { ...platformServiceEnv(3104), ...outcomesSettingsEnv },
  readConfig: readOutcomesConfig,
});
