import { ZodError } from 'zod';
import { createLogger } from '@carecircle/platform/observability';
import { readTrustedIssuers } from '../auth/trusted-issuers';
import { readKafkaSecuritySettings } from '../config/kafka-security-env';
import { IN_PRODUCTION, productionMode } from '../config/production-mode';
import { commonServiceEnv, readServiceEnv, ServiceEnvError } from '../config/service-env';
import { readEventSourcedServiceEnv } from '../wiring/wiring-env';
import { armShutdownDeadline, DEFAULT_SHUTDOWN_DEADLINE_MS } from './shutdown-deadline';
import { bootstrapService, type BootstrapServiceOptions } from './bootstrap-service';

export interface RunServiceOptions extends Omit<BootstrapServiceOptions, 'port'> {
  /** Used when `PORT` is unset. */
  defaultPort: number;
  /** Reads the service's own settings (thresholds, endpoints…), so that a bad one stops it before Nest starts. */
  readConfig?: (env: NodeJS.ProcessEnv) => unknown;
}

/**
 * A service's whole `main.ts`: checks its environment (`checkServiceEnvironment`: `PORT`, `LOG_LEVEL`,
 * `DATABASE_URL`, `KAFKA_BROKERS`, `JSON_MAX_DEPTH`, production's rules), starts the service, and on any
 * startup failure logs one JSON line and exits 1.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  try {
    const { port, jsonMaxDepth, warnings } = checkServiceEnvironment(options);
    const logger = options.logger ?? createLogger(options.name);
    for (const warning of warnings) logger.warn(warning);
    await bootstrapService({ ...options, logger, port, jsonMaxDepth: options.jsonMaxDepth ?? jsonMaxDepth });
    armShutdownDeadline(DEFAULT_SHUTDOWN_DEADLINE_MS, () => {
      logger.error({ deadlineMs: DEFAULT_SHUTDOWN_DEADLINE_MS }, 'graceful shutdown overran its deadline; exiting');
      process.exit(1);
    });
  } catch (error) {
    exitOnStartupFailure(options.name, error);
  }
}

const KAFKA_WITHOUT_TLS =
  'KAFKA_SSL is not true: Kafka traffic, SASL credentials included, is unencrypted. Private networks only.';

export interface CheckedServiceEnvironment {
  port: number;
  jsonMaxDepth: number;
  /** Settings that are allowed but worth a word at start-up. */
  warnings: string[];
}

/**
 * Everything a service reads at start-up, read before it opens any connection; every problem is
 * collected into one `ServiceEnvError` (one line in the log). In production (`productionMode`) no
 * development fallback is allowed: no unverified calls (`AUTH_TRUSTED_ISSUERS`, https issuers) and no
 * embedded single-session database.
 */
export function checkServiceEnvironment(
  options: Pick<RunServiceOptions, 'defaultPort' | 'authenticatesItself' | 'readConfig'>,
  env: NodeJS.ProcessEnv = process.env,
): CheckedServiceEnvironment {
  const problems: string[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      problems.push(...problemsOf(error));
      return undefined;
    }
  };
  const common = attempt(() => readServiceEnv(commonServiceEnv(options.defaultPort), env));
  const wiring = attempt(() => readEventSourcedServiceEnv(env));
  const kafka = attempt(() => readKafkaSecuritySettings(env));
  // The gateway verifies its callers itself (SMART, OIDC) and checks its own settings in its main.
  if (!options.authenticatesItself) attempt(() => readTrustedIssuers(env));
  if (options.readConfig) attempt(() => options.readConfig?.(env));
  const warnings: string[] = [];
  if (productionMode(env)) {
    // Embedded PGlite's mode (`npm start` without PostgreSQL): one process per database, no replicas.
    if (wiring?.DATABASE_SINGLE_SESSION === 'true') {
      problems.push(`DATABASE_SINGLE_SESSION must not be true ${IN_PRODUCTION}`);
    }
    // A warning, not a refusal: a private network may run SASL_PLAINTEXT (or a mesh encrypts for it).
    if (kafka && !kafka.ssl) {
      warnings.push(KAFKA_WITHOUT_TLS);
    }
  }
  // Deduplicated: a variable read by two readers (KAFKA_BROKERS) is named once.
  if (problems.length > 0 || !common) throw new ServiceEnvError([...new Set(problems)]);
  return { port: common.PORT, jsonMaxDepth: common.JSON_MAX_DEPTH, warnings };
}

/** The variables an error names: a `ServiceEnvError`'s problems, a zod error's issues, otherwise its message. */
function problemsOf(error: unknown): string[] {
  if (error instanceof ServiceEnvError) return [...error.problems];
  if (error instanceof ZodError) return error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`);
  return [error instanceof Error ? error.message : 'invalid configuration'];
}

/** Logs why the service could not start (the message names variables, never values) and exits 1. */
export function exitOnStartupFailure(service: string, error: unknown): never {
  // Level fixed: LOG_LEVEL itself may be what is invalid.
  createLogger(service, { level: 'info' }).fatal({ err: error }, 'service failed to start');
  process.exit(1);
}
