export { startTracing, shutdownTracing, type StartTracingOptions, type TracingHandle } from './tracing/start-tracing';
export { createInstrumentations } from './tracing/instrumentations';
export { isHealthProbe } from './health-probe';
export { RedactUrlQuerySpanProcessor } from './tracing/redact-span-attributes';
export { spanProcessorsFromEnv, otlpTracesUrl } from './tracing/span-processors-from-env';
export { flushTracingOnExit } from './tracing/flush-on-exit';
export { currentTraceContext, withTraceContext, type TraceContextCarrier } from './tracing/trace-context';
export {
  createLogger,
  logLevelFromEnv,
  LOG_LEVELS,
  REDACTED_LOG_PATHS,
  type CreateLoggerOptions,
} from './logging/create-logger';
export { traceLogFields, type TraceLogFields } from './logging/trace-log-fields';
export { PinoNestLogger } from './logging/nest-logger';
export { createHttpAccessLogger, accessLogFields, type AccessLogFields } from './logging/http-access-log';
export { urlWithoutQuery } from './url-without-query';
export { captureLogLines } from './logging/log-capture.testing';
