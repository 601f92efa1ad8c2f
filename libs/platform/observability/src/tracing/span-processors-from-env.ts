import type * as OtlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

/**
 * OTLP/HTTP when an OTLP endpoint is configured, nothing otherwise: a service without a collector
 * still creates spans, so trace ids reach the logs and the Kafka headers, but it exports nothing
 * and prints nothing. Headers, timeout and compression come from the standard
 * `OTEL_EXPORTER_OTLP_*` variables, read by the exporter itself.
 */
export function spanProcessorsFromEnv(env: NodeJS.ProcessEnv): SpanProcessor[] {
  const url = otlpTracesUrl(env);
  if (!url) return [];
  // Loaded only when configured: the exporter brings the OTLP transformer with the metrics and logs
  // SDKs (about 150 modules) into every process that requires it, exporting or not.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof OtlpHttp;
  return [new BatchSpanProcessor(new OTLPTraceExporter({ url }))];
}

/** The signal-specific endpoint as given, else the base endpoint plus `/v1/traces` (as the OTLP spec says). */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (traces) return traces;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}
