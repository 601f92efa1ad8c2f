import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { urlWithoutQuery } from '../url-without-query';
import { REDACTED } from './redact-span-attributes';
import { startTracing, type TracingHandle } from './start-tracing';

describe('query strings in spans', () => {
  const exporter = new InMemorySpanExporter();
  // Export waits for the detected resource attributes, hence the flush before reading.
  const exporting = new SimpleSpanProcessor(exporter);
  let tracing: TracingHandle;

  beforeAll(() => {
    tracing = startTracing({ serviceName: 'redaction-test', spanProcessors: [exporting], instrumentations: [] });
  });

  afterAll(() => tracing.shutdown());

  it('are removed from URL attributes set at start or later, and url.query is replaced', async () => {
    const span = trace.getTracer('test').startSpan('GET', {
      attributes: {
        'url.full': 'http://gateway/Patient?identifier=MRN-1',
        'url.query': 'identifier=MRN-1',
        'url.path': '/Patient',
      },
    });
    span.setAttribute('http.target', '/Patient?name=Jane');
    span.end();
    await exporting.forceFlush();

    const [exported] = exporter.getFinishedSpans();
    expect(exported?.attributes).toEqual({
      'url.full': 'http://gateway/Patient',
      'url.query': REDACTED,
      'url.path': '/Patient',
      'http.target': '/Patient',
    });
  });

  it('keep no id from the path: the route template that matched, or the first segment', async () => {
    const matched = trace.getTracer('test').startSpan('GET', {
      attributes: { 'url.full': 'http://gateway/fhir/R4/Patient/ehr-4711', 'url.path': '/fhir/R4/Patient/ehr-4711' },
    });
    matched.setAttribute('http.route', '/fhir/R4/:type/:id');
    matched.end();
    trace
      .getTracer('test')
      .startSpan('GET', {
        attributes: { 'http.target': '/nowhere/ehr-4711?x=1', 'http.url': 'http://gateway/nowhere/ehr-4711' },
      })
      .end();
    await exporting.forceFlush();
    const [first, second] = exporter.getFinishedSpans().slice(-2);
    expect(first?.attributes).toMatchObject({
      'url.full': 'http://gateway/fhir/R4/:type/:id',
      'url.path': '/fhir/R4/:type/:id',
    });
    expect(second?.attributes).toMatchObject({ 'http.target': '/nowhere/…', 'http.url': 'http://gateway/nowhere/…' });
    expect(JSON.stringify([first?.attributes, second?.attributes])).not.toContain('ehr-4711');
  });

  it('leaves URLs without a query alone', async () => {
    trace
      .getTracer('test')
      .startSpan('GET', { attributes: { 'url.full': '/health' } })
      .end();
    await exporting.forceFlush();
    expect(exporter.getFinishedSpans().at(-1)?.attributes['url.full']).toBe('/health');
  });
});

describe('urlWithoutQuery', () => {
  it.each([
    ['/members/m-1?mrn=1', '/members/m-1'],
    ['http://host:3000/a/b?x=1#frag', 'http://host:3000/a/b'],
    ['/a#frag', '/a'],
    ['/plain', '/plain'],
  ])('%s → %s', (url, expected) => expect(urlWithoutQuery(url)).toBe(expected));
});
