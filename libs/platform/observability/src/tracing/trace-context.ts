import { ROOT_CONTEXT, context, propagation } from '@opentelemetry/api';

/** W3C trace context as stored in event metadata and carried in Kafka headers. */
export interface TraceContextCarrier {
  traceparent?: string;
  tracestate?: string;
}

/**
 * The active trace context in W3C form, empty outside a trace. The application layer stores it
 * in the event's metadata so that the outbox relay, which publishes later and outside the
 * request, can continue the same trace.
 */
export function currentTraceContext(): TraceContextCarrier {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const result: TraceContextCarrier = {};
  if (carrier['traceparent']) result.traceparent = carrier['traceparent'];
  if (carrier['tracestate']) result.tracestate = carrier['tracestate'];
  return result;
}

/**
 * Runs `work` as a continuation of a stored trace context. The kafkajs instrumentation makes the
 * producer span a child of the active context and writes that span's `traceparent` into the
 * message headers (overwriting any header set by hand), so the relay publishes inside this call.
 */
export function withTraceContext<T>(carrier: TraceContextCarrier | undefined, work: () => T): T {
  return context.with(propagation.extract(ROOT_CONTEXT, carrier ?? {}), work);
}
