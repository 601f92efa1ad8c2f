import { defineServiceEnv, platformServiceEnv } from '@carecircle/platform/service-kit';
import { enrollmentSettingsEnv, readEnrollmentConfig } from './enrollment.config';

/** Every variable enrollment reads, checked together at boot (docs/operations/configuration.md lists them). */
export const enrollmentEnv = defineServiceEnv({
  service: 'enrollment',
  defaultPort: 3101,
  variables: { ...platformServiceEnv(3101), ...enrollmentSettingsEnv },
  readConfig: readEnrollmentConfig,
});
