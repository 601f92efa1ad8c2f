import type { ServiceEnvSchema } from '@carecircle/platform/service-kit';
import { enrollmentEnv } from '../../apps/enrollment/src/enrollment.env';
import { schedulingEnv } from '../../apps/scheduling/src/scheduling.env';
import { liaisonEnv } from '../../apps/clinician-liaison/src/liaison.env';
import { outcomesEnv } from '../../apps/outcomes/src/outcomes.env';
import { gatewayEnv } from '../../apps/gateway/src/gateway.env';

/** The five services' environment schemas, in the order the docs and the compose check list them. */
export const SERVICE_ENV_SCHEMAS: readonly ServiceEnvSchema[] = [
  enrollmentEnv,
  schedulingEnv,
  liaisonEnv,
  outcomesEnv,
  gatewayEnv,
];
