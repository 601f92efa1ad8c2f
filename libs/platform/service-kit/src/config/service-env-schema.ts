import { z } from 'zod';
import { trustedIssuersEnv } from '../auth/trusted-issuers';
import { checkServiceEnvironment, type CheckedServiceEnvironment } from '../bootstrap/run-service';
import { eventSourcedServiceEnv } from '../wiring/wiring-env';
import { kafkaSecurityEnv } from './kafka-security-env';
import { commonServiceEnv, ServiceEnvError } from './service-env';

/**
 * One service's whole environment in one place: every variable it reads (each with `.describe()`), and
 * the boot check that reads them all and applies production's rules (`checkServiceEnvironment`).
 * Tooling lists the variables (`describeServiceEnv`, docs/operations/configuration.md); `main.ts` boots with it.
 */
export interface ServiceEnvSchema {
  service: string;
  defaultPort: number;
  /** The gateway verifies its callers itself (SMART, OIDC): no AUTH_TRUSTED_ISSUERS. */
  authenticatesItself?: boolean;
  variables: z.ZodRawShape;
  /** The service's own settings and production rules; throws a `ServiceEnvError` naming each variable. */
  readConfig: (env: NodeJS.ProcessEnv) => unknown;
}

/** Which environment is production's (`productionMode`): read by every reader, documented once here. */
export const productionModeEnv = {
  NODE_ENV: z
    .string()
    .optional()
    .describe('`production` (the container image sets it): production mode, every development fallback refused.'),
  AUTH_REQUIRED: trustedIssuersEnv.AUTH_REQUIRED,
};

/**
 * Read by the OpenTelemetry preload (`register.js`) before the service's code runs, so not part of the
 * boot check; listed so that an operator finds them. The exporter also reads the standard `OTEL_EXPORTER_OTLP_*`.
 */
export const observabilityEnv = {
  OTEL_SERVICE_NAME: z.string().optional().describe('Service name on spans; the app folder name when unset.'),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url()
    .optional()
    .describe('OTLP/HTTP collector base URL (traces go to <url>/v1/traces). Unset: spans are made but not exported.'),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z
    .url()
    .optional()
    .describe('OTLP/HTTP traces URL, used as given; wins over the base endpoint.'),
};

/** What every service built on the service kit reads, in the order an operator meets them. */
export function platformServiceEnv(defaultPort: number, options: { authenticatesItself?: boolean } = {}) {
  return {
    ...productionModeEnv,
    ...commonServiceEnv(defaultPort),
    ...eventSourcedServiceEnv,
    ...kafkaSecurityEnv,
    ...(options.authenticatesItself ? {} : trustedIssuersEnv),
    ...observabilityEnv,
  };
}

export function defineServiceEnv<Schema extends ServiceEnvSchema>(schema: Schema): Schema {
  return schema;
}

/** The boot check of `schema` against `env`: throws one `ServiceEnvError` naming every bad variable. */
export function checkServiceEnv(schema: ServiceEnvSchema, env: NodeJS.ProcessEnv): CheckedServiceEnvironment {
  return checkServiceEnvironment(schema, env);
}

export type Requirement = 'always' | 'in production' | 'no';

export interface EnvVariableDoc {
  name: string;
  description: string;
  /** As an operator would write it; undefined when there is none. */
  defaultValue?: string;
  required: Requirement;
}

/**
 * Every variable of `schema` with its description, default and requirement. The requirement is what the
 * boot check itself says of an empty environment, outside and in production, so it cannot drift from it.
 */
export function describeServiceEnv(schema: ServiceEnvSchema): EnvVariableDoc[] {
  const always = requiredIn(schema, {});
  const inProduction = requiredIn(schema, { NODE_ENV: 'production' });
  return Object.entries(schema.variables).map(([name, variable]) => {
    const json = z.toJSONSchema(variable, { io: 'input', unrepresentable: 'any' }) as { default?: unknown };
    const description = z.globalRegistry.get(variable)?.description;
    if (!description) throw new Error(`${schema.service}: ${name} has no description`);
    return {
      name,
      description,
      ...(json.default !== undefined ? { defaultValue: String(json.default) } : {}),
      required: always.has(name) ? 'always' : inProduction.has(name) ? 'in production' : 'no',
    };
  });
}

/** The variables a boot check with `env` reports as required. */
export function requiredIn(schema: ServiceEnvSchema, env: NodeJS.ProcessEnv): Set<string> {
  return new Set(problemsOf(schema, env).flatMap((problem) => /^([A-Z0-9_]+) is required\b/.exec(problem)?.[1] ?? []));
}

/** The boot check's problems with `env`; none when it passes. */
export function problemsOf(schema: ServiceEnvSchema, env: NodeJS.ProcessEnv): readonly string[] {
  try {
    checkServiceEnv(schema, env);
    return [];
  } catch (error) {
    if (error instanceof ServiceEnvError) return error.problems;
    throw error;
  }
}
