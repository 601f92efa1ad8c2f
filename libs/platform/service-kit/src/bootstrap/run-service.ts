import { createLogger } from '@carecircle/platform/observability';
import { commonServiceEnv, readServiceEnv } from '../config/service-env';
import { bootstrapService, type BootstrapServiceOptions } from './bootstrap-service';

export interface RunServiceOptions extends Omit<BootstrapServiceOptions, 'port'> {
  /** Used when `PORT` is unset. */
  defaultPort: number;
}

/**
 * A service's whole `main.ts`: validates the common environment (`PORT`, `LOG_LEVEL`,
 * `DATABASE_URL`, `KAFKA_BROKERS`), starts the service, and on any startup failure logs one
 * JSON line and exits 1.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  try {
    const env = readServiceEnv(commonServiceEnv(options.defaultPort));
    await bootstrapService({ ...options, port: env.PORT });
  } catch (error) {
    exitOnStartupFailure(options.name, error);
  }
}

/** Logs why the service could not start (the message names variables, never values) and exits 1. */
export function exitOnStartupFailure(service: string, error: unknown): never {
  // Level fixed: LOG_LEVEL itself may be what is invalid.
  createLogger(service, { level: 'info' }).fatal({ err: error }, 'service failed to start');
  process.exit(1);
}
