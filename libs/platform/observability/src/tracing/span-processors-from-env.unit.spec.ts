import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { otlpTracesUrl, spanProcessorsFromEnv } from './span-processors-from-env';

describe('spanProcessorsFromEnv', () => {
  it('exports nothing, and prints nothing, without an OTLP endpoint', () => {
    expect(spanProcessorsFromEnv({})).toEqual([]);
    expect(spanProcessorsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: ' ' })).toEqual([]);
  });

  it.each(['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'])(
    'batches to OTLP/HTTP when %s is set',
    async (name) => {
      const processors = spanProcessorsFromEnv({ [name]: 'http://collector:4318' });
      expect(processors).toHaveLength(1);
      expect(processors[0]).toBeInstanceOf(BatchSpanProcessor);
      await Promise.all(processors.map((processor) => processor.shutdown()));
    },
  );

  it('sends to the traces endpoint if given, else to /v1/traces under the base endpoint', () => {
    expect(otlpTracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe(
      'http://collector:4318/v1/traces',
    );
    expect(
      otlpTracesUrl({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b:4318/traces',
      }),
    ).toBe('http://b:4318/traces');
  });
});
