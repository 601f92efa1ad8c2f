import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { defaultResource, envDetector, detectResources, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { createInstrumentations } from './instrumentations';
import { RedactUrlQuerySpanProcessor } from './redact-span-attributes';
import { spanProcessorsFromEnv } from './span-processors-from-env';

export interface StartTracingOptions {
  /** `service.name` of every span. */
  serviceName: string;
  /** Replace the exporter chosen from the environment (tests: `SimpleSpanProcessor(InMemorySpanExporter)`). */
  spanProcessors?: SpanProcessor[];
  /** Shorthand for `spanProcessors: [new BatchSpanProcessor(exporter)]`. */
  exporter?: SpanExporter;
  /** Defaults to http, express, nestjs-core, pg and kafkajs (see `createInstrumentations`). */
  instrumentations?: Instrumentation[];
  env?: NodeJS.ProcessEnv;
}

export interface TracingHandle {
  /** Flushes pending spans and stops the SDK; resolves after `timeoutMs` at the latest. */
  shutdown(timeoutMs?: number): Promise<void>;
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 2_000;
let active: TracingHandle | undefined;

/**
 * Starts the OpenTelemetry SDK. Instrumentation patches modules as they are required, so this
 * must run before Nest, express, pg or kafkajs are loaded: `register.ts` does it as a
 * `node --require` preload.
 */
export function startTracing(options: StartTracingOptions): TracingHandle {
  if (active) throw new Error('Tracing is already started in this process');
  const exporterProcessors =
    options.spanProcessors ??
    (options.exporter ? [new BatchSpanProcessor(options.exporter)] : spanProcessorsFromEnv(options.env ?? process.env));
  // The tracer provider and the instrumentations only, not the NodeSDK: the SDK loads every
  // exporter it could be configured with (gRPC, protobuf, Zipkin, Prometheus, metrics, logs),
  // about 48 MB of RSS per service for code a CareCircle service never runs.
  const provider = new NodeTracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES is honoured as with the SDK; the service name given here wins.
    resource: defaultResource()
      .merge(detectResources({ detectors: [envDetector] }))
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName })),
    // Always register a tracer provider, even without an exporter: trace ids are still needed in
    // the logs and in the Kafka headers so that a downstream service can continue the trace.
    spanProcessors: [new RedactUrlQuerySpanProcessor(), ...exporterProcessors],
  });
  // W3C trace context only: baggage is free-form and could carry PHI from one service to the next.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const unregisterInstrumentations = registerInstrumentations({
    tracerProvider: provider,
    instrumentations: options.instrumentations ?? createInstrumentations(),
  });
  const sdk = {
    shutdown: async () => {
      unregisterInstrumentations();
      await provider.shutdown();
      // Released so that a later startTracing in the same process (tests) can register again.
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
  // One flush however many callers ask (signal handler, Nest shutdown hook, beforeExit).
  let stopping: Promise<void> | undefined;
  const handle: TracingHandle = {
    shutdown: (timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS) => {
      stopping ??= withTimeout(sdk.shutdown(), timeoutMs).finally(() => {
        if (active === handle) active = undefined;
      });
      return stopping;
    },
  };
  active = handle;
  return handle;
}

/** Flushes and stops the tracing started in this process, if any (the service kit calls it on shutdown). */
export async function shutdownTracing(timeoutMs = DEFAULT_SHUTDOWN_TIMEOUT_MS): Promise<void> {
  await active?.shutdown(timeoutMs);
}

async function withTimeout(work: Promise<void>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
    timer.unref();
  });
  try {
    await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
