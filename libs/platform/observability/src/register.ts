// OpenTelemetry preload: `node --require dist/libs/platform/observability/src/register.js dist/apps/<svc>/src/main.js`.
// It must run before Nest, express, pg and kafkajs are required so that the instrumentations patch them.
import { flushTracingOnExit } from './tracing/flush-on-exit';
import { startTracing } from './tracing/start-tracing';

/** `OTEL_SERVICE_NAME`, else the app folder of the entry point (`dist/apps/<svc>/src/main.js`). */
function serviceName(): string {
  const fromEnv = process.env['OTEL_SERVICE_NAME']?.trim();
  if (fromEnv) return fromEnv;
  const entry = process.argv[1] ?? '';
  return /apps[\\/]([^\\/]+)[\\/]src[\\/]main\.js$/.exec(entry)?.[1] ?? 'carecircle-service';
}

flushTracingOnExit(startTracing({ serviceName: serviceName() }));
