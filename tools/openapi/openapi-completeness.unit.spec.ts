import type { OpenAPIObject } from '@nestjs/swagger';
import { openApiGaps } from './openapi-completeness';

const json = (schema: object, example?: unknown) => ({
  'application/json': { schema, ...(example === undefined ? {} : { example }) },
});

function documentWith(paths: Record<string, unknown>): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths,
    components: { schemas: { Ack: { type: 'object', properties: { ok: { type: 'boolean', example: true } } } } },
  } as OpenAPIObject;
}

describe('openApiGaps', () => {
  it('finds nothing to say about a complete operation, an example in a referenced schema counting', () => {
    const document = documentWith({
      '/things': {
        post: {
          summary: 'Make a thing',
          responses: {
            202: { description: '', content: json({ $ref: '#/components/schemas/Ack' }) },
            400: { description: '', content: json({ type: 'object' }) },
          },
        },
      },
    });
    expect(openApiGaps(document)).toEqual([]);
  });

  it('names each gap of an operation', () => {
    const document = documentWith({
      '/things/{id}': {
        put: { requestBody: { content: { 'application/json': {} } }, responses: { 200: { description: '' } } },
      },
    });
    expect(openApiGaps(document)).toEqual([
      'PUT /things/{id}: no summary',
      'PUT /things/{id}: 200 has no body schema',
      'PUT /things/{id}: no 4xx response',
      'PUT /things/{id}: request body has no schema',
      'PUT /things/{id}: no example',
    ]);
  });

  it('lets public operations that take nothing, like probes, go without a 4xx', () => {
    const probe = {
      summary: 'Probe',
      security: [],
      parameters: [],
      responses: { 200: { description: '', content: json({ type: 'object' }, {}) } },
    };
    expect(openApiGaps(documentWith({ '/health/live': { get: probe }, '/discovery': { get: probe } }))).toEqual([]);
    expect(openApiGaps(documentWith({ '/discovery': { get: { ...probe, security: undefined } } }))).toEqual([
      'GET /discovery: no 4xx response',
    ]);
  });
});
