import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { startTracing, type TracingHandle } from '../tracing/start-tracing';
import { createLogger, logLevelFromEnv } from './create-logger';
import { captureLogLines } from './log-capture.testing';

describe('createLogger', () => {
  let tracing: TracingHandle;

  beforeAll(() => {
    tracing = startTracing({
      serviceName: 'log-test',
      spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
      instrumentations: [],
    });
  });

  afterAll(() => tracing.shutdown());

  it('writes the active span ids on every line inside a span, and none outside', () => {
    const { stream, lines } = captureLogLines();
    const logger = createLogger('outcomes', { destination: stream, level: 'info' });
    const spanContext = trace.getTracer('test').startActiveSpan('work', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext();
    });
    logger.info('outside');

    expect(lines[0]).toMatchObject({
      service: 'outcomes',
      level: 'info',
      msg: 'inside',
      trace_id: spanContext.traceId,
      span_id: spanContext.spanId,
    });
    expect(lines[1]).not.toHaveProperty('trace_id');
  });

  it('censors bodies and credentials wherever a careless call puts them', () => {
    const { stream, lines } = captureLogLines();
    const logger = createLogger('outcomes', { destination: stream, level: 'info' });
    logger.info(
      {
        body: { name: 'Jane Doe' },
        req: { headers: { authorization: 'Bearer token-1', cookie: 'sid=abc' }, body: { mrn: 'MRN-1' } },
        res: { headers: { 'set-cookie': 'sid=abc' }, body: { diagnosis: 'F33.1' } },
      },
      'careless',
    );
    const line = JSON.stringify(lines[0]);
    for (const secret of ['Jane Doe', 'token-1', 'sid=abc', 'MRN-1', 'F33.1']) expect(line).not.toContain(secret);
    expect(lines[0]).toMatchObject({ body: '[REDACTED]', req: { headers: { authorization: '[REDACTED]' } } });
  });

  it('takes its level from LOG_LEVEL and names the variable, not the value, when it is wrong', () => {
    expect(logLevelFromEnv({})).toBe('info');
    expect(logLevelFromEnv({ LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(() => logLevelFromEnv({ LOG_LEVEL: 'chatty' })).toThrow(/^LOG_LEVEL must be one of/);
    expect(() => logLevelFromEnv({ LOG_LEVEL: 'chatty' })).not.toThrow(/chatty/);
  });
});
