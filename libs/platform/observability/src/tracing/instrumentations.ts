import type { Instrumentation } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { isHealthProbe } from '../health-probe';

/**
 * The auto-instrumentations every service runs, configured so that no PHI reaches a span:
 * no request/response headers beyond the defaults (`headersToSpanAttributes` left empty), no
 * bodies (none of these instrumentations record them), no SQL parameter values
 * (`enhancedDatabaseReporting: false`). Query strings are removed by `RedactUrlQuerySpanProcessor`.
 */
export function createInstrumentations(): Instrumentation[] {
  return [
    new HttpInstrumentation({ ignoreIncomingRequestHook: isHealthProbe }),
    new ExpressInstrumentation(),
    new NestInstrumentation(),
    // requireParentSpan: pollers (the outbox relay, projections) would otherwise open a root
    // trace per idle query; a query is traced when it runs for a request or a message.
    new PgInstrumentation({ enhancedDatabaseReporting: false, requireParentSpan: true }),
    new KafkaJsInstrumentation(),
  ];
}
