import { context, isSpanContextValid, trace } from '@opentelemetry/api';

export interface TraceLogFields {
  trace_id?: string;
  span_id?: string;
}

/** The active span's ids, so a log line can be found from its trace (and the trace from the line). */
export function traceLogFields(): TraceLogFields {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
