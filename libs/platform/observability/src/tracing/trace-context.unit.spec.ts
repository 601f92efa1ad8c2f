import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, type TracingHandle } from './start-tracing';
import { currentTraceContext, withTraceContext } from './trace-context';

describe('trace context carried outside the request', () => {
  let tracing: TracingHandle;
  const tracer = () => trace.getTracer('test');

  beforeAll(() => {
    tracing = startTracing({
      serviceName: 'context-test',
      spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
      instrumentations: [],
    });
  });

  afterAll(() => tracing.shutdown());

  it('is empty outside a span', () => {
    expect(currentTraceContext()).toEqual({});
  });

  it('is captured as a W3C traceparent inside a span and continued later', () => {
    const { stored, requestTraceId } = tracer().startActiveSpan('request', (span) => {
      span.end();
      return { stored: currentTraceContext(), requestTraceId: span.spanContext().traceId };
    });
    expect(stored.traceparent).toMatch(new RegExp(`^00-${requestTraceId}-[0-9a-f]{16}-01$`));

    const relayTraceId = withTraceContext(stored, () =>
      tracer().startActiveSpan('publish', (span) => {
        span.end();
        return span.spanContext().traceId;
      }),
    );
    expect(relayTraceId).toBe(requestTraceId);
  });

  it('starts a new trace when nothing was stored, whatever is active', () => {
    tracer().startActiveSpan('poller', (poller) => {
      const traceId = withTraceContext(undefined, () =>
        tracer().startActiveSpan('publish', (span) => (span.end(), span.spanContext().traceId)),
      );
      expect(traceId).not.toBe(poller.spanContext().traceId);
      poller.end();
    });
  });

  it('refuses a second start in the same process', () => {
    expect(() => startTracing({ serviceName: 'again', instrumentations: [] })).toThrow('already started');
  });
});
