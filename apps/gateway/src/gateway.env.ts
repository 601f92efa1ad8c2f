import { defineServiceEnv, platformServiceEnv } from '@carecircle/platform/service-kit';
import { careConsoleSettingsEnv, readCareConsoleConfig } from './care-console/care-console.config';
import { gatewaySettingsEnv, readGatewayConfig } from './gateway.config';
import { readTimelineConfig, timelineSettingsEnv } from './timeline/timeline.config';

/**
 * Every variable the gateway reads, checked together at boot (docs/operations/configuration.md lists
 * them): production's rules included (see `readGatewayConfig`).
 */
export const gatewayEnv = defineServiceEnv({
  service: 'gateway',
  defaultPort: 3000,
  // The gateway verifies its callers itself (SMART, OIDC): no AUTH_TRUSTED_ISSUERS.
  authenticatesItself: true,
  // The platform's last: its descriptions of PORT, AUTH_REQUIRED and JSON_MAX_DEPTH are the general ones.
  variables: {
    ...timelineSettingsEnv,
    ...careConsoleSettingsEnv,
    ...gatewaySettingsEnv,
    ...platformServiceEnv(3000, { authenticatesItself: true }),
  },
  readConfig: (env: NodeJS.ProcessEnv) => ({
    gateway: readGatewayConfig(env),
    timeline: readTimelineConfig(env),
    careConsole: readCareConsoleConfig(env),
  }),
});
