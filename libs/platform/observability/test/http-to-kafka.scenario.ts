// Child-process scenario for trace-propagation.int.spec.ts. Tracing must start before Nest,
// express, pg and kafkajs are required (Jest's module registry bypasses the require hook that
// instrumentation relies on), so this runs as its own Node process and writes what it saw to a file.
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { writeFileSync } from 'node:fs';
import { startTracing } from '../src/tracing/start-tracing';
import type { RecordedSpan, ScenarioResult } from './http-to-kafka.shared';

const exporter = new InMemorySpanExporter();
const tracing = startTracing({ serviceName: 'trace-scenario', spanProcessors: [new SimpleSpanProcessor(exporter)] });

async function main(): Promise<void> {
  const output = process.env['SCENARIO_OUTPUT'];
  if (!output) throw new Error('SCENARIO_OUTPUT is not set');
  // Loaded only now, so that the instrumentations patch Nest, express, pg and kafkajs.
  const { runHttpToKafkaScenario } = await import('./http-to-kafka.services');
  const observed = await runHttpToKafkaScenario();
  // Read before shutting down: the in-memory exporter forgets its spans on shutdown.
  const result: ScenarioResult = { ...observed, spans: exporter.getFinishedSpans().map(recordSpan) };
  await tracing.shutdown();
  writeFileSync(output, JSON.stringify(result));
}

function recordSpan(span: ReadableSpan): RecordedSpan {
  return {
    name: span.name,
    kind: span.kind,
    scope: span.instrumentationScope.name,
    traceId: span.spanContext().traceId,
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    attributes: { ...span.attributes },
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
