import { defineServiceEnv, platformServiceEnv } from '@carecircle/platform/service-kit';
import {
  loadReassessmentEnv,
  readLoadReassessmentPollMs,
  readSchedulingPolicy,
  schedulingPolicyEnv,
} from './scheduling.deps';

/** Every variable scheduling reads, checked together at boot (docs/operations/configuration.md lists them). */
export const schedulingEnv = defineServiceEnv({
  service: 'scheduling',
  defaultPort: 3102,
  variables: { ...platformServiceEnv(3102), ...schedulingPolicyEnv, ...loadReassessmentEnv },
  readConfig: (env: NodeJS.ProcessEnv) => ({
    policy: readSchedulingPolicy(env),
    loadReassessmentPollMs: readLoadReassessmentPollMs(env),
  }),
});
