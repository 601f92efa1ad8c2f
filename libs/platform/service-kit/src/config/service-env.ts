import { LOG_LEVELS } from '@carecircle/platform/observability';
import { z } from 'zod';
import { DEFAULT_JSON_MAX_DEPTH } from '../bootstrap/json-body-limits';

const BROKERS_FORMAT = 'must be a comma-separated list of host:port';

/** Building blocks for a service's environment schema, each with a message that never quotes the value. */
export const envVar = {
  port: (defaultPort: number) =>
    z.coerce.number({ error: 'must be an integer between 0 and 65535' }).int().min(0).max(65535).default(defaultPort),
  url: () => z.url({ error: 'must be a URL' }),
  /** `host:port,host:port` → `['host:port', 'host:port']`. */
  brokers: () =>
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((broker) => broker.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[^\s:]+:\d+$/, { error: BROKERS_FORMAT })).min(1, { error: BROKERS_FORMAT })),
  logLevel: () => z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
};

/** What every service reads; extend it with the service's own variables. */
export function commonServiceEnv(defaultPort: number) {
  return {
    PORT: envVar.port(defaultPort).describe('TCP port the HTTP server listens on.'),
    LOG_LEVEL: envVar.logLevel().describe('Least severe log level written (JSON lines on stdout).'),
    DATABASE_URL: envVar.url().optional().describe("PostgreSQL connection URL of the service's own database."),
    KAFKA_BROKERS: envVar.brokers().optional().describe('Kafka bootstrap brokers, comma-separated host:port.'),
    JSON_MAX_DEPTH: z.coerce
      .number({ error: 'must be an integer between 2 and 1000' })
      .int()
      .min(2)
      .max(1000)
      .default(DEFAULT_JSON_MAX_DEPTH)
      .describe('Deepest nesting of a JSON request body; a deeper one answers 400 before it is parsed.'),
  };
}

/** Thrown at startup; its message names every offending variable and never quotes a value. */
export class ServiceEnvError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ServiceEnvError';
  }
}

/**
 * Parses the environment against `shape`, e.g.
 * `readServiceEnv({ ...commonServiceEnv(3101), DATABASE_URL: envVar.url() })`.
 * Empty variables count as unset (a blank `PORT=` must not become port 0).
 */
export function readServiceEnv<Shape extends z.ZodRawShape>(
  shape: Shape,
  env: NodeJS.ProcessEnv = process.env,
): z.output<z.ZodObject<Shape>> {
  const present = Object.fromEntries(
    Object.keys(shape).flatMap((name) => {
      const value = env[name]?.trim();
      return value ? [[name, value]] : [];
    }),
  );
  const result = z.object(shape).safeParse(present, { reportInput: false });
  if (result.success) return result.data;
  // One line per variable: a list (KAFKA_BROKERS) may fail on several items.
  const problems = new Set(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name} ${name in present ? issue.message : 'is required'}`;
    }),
  );
  throw new ServiceEnvError([...problems]);
}
