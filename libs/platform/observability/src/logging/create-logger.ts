import pino, { type DestinationStream, type Level, type Logger } from 'pino';
import { traceLogFields } from './trace-log-fields';

export const LOG_LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/**
 * Censored wherever they appear in a log object: credentials in headers, and bodies, which carry
 * PHI (the access log and the Nest adapter never log them; this catches a careless `log.info({ body })`).
 */
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'body',
  'req.body',
  'res.body',
  'request.body',
  'response.body',
];

export interface CreateLoggerOptions {
  /** Defaults to `LOG_LEVEL`, else `info`. */
  level?: string;
  /** Defaults to stdout. */
  destination?: DestinationStream;
  env?: NodeJS.ProcessEnv;
}

/** JSON lines on stdout with the service name and, inside a span, its `trace_id` and `span_id`. */
export function createLogger(service: string, options: CreateLoggerOptions = {}): Logger {
  const level = options.level ?? logLevelFromEnv(options.env ?? process.env);
  const logger = pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceLogFields,
      redact: { paths: REDACTED_LOG_PATHS, censor: '[REDACTED]' },
    },
    options.destination,
  );
  return logger;
}

/** `LOG_LEVEL` (one of `LOG_LEVELS`), `info` when unset; an unknown level is a startup error. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv): Level {
  const configured = env['LOG_LEVEL']?.trim().toLowerCase();
  if (!configured) return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(configured)) {
    throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return configured as Level;
}
