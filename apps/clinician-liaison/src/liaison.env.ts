import { defineServiceEnv, platformServiceEnv } from '@carecircle/platform/service-kit';
import { liaisonConfigFromEnv, liaisonSettingsEnv } from './liaison.deps';

/** Every variable clinician-liaison reads, checked together at boot (docs/operations/configuration.md lists them). */
export const liaisonEnv = defineServiceEnv({
  service: 'clinician-liaison',
  defaultPort: 3103,
  variables: { ...platformServiceEnv(3103), ...liaisonSettingsEnv },
  // Push endpoints and their secret too: in production a plain-http webhook stops the service here.
  readConfig: liaisonConfigFromEnv,
});
