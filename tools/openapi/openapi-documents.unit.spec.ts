import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { openApiGaps } from './openapi-completeness';
import { OPENAPI_DIR, openApiFileText, SERVICE_MODULES, serviceOpenApiDocument } from './openapi-documents';

const documents = new Map<string, OpenAPIObject>();

describe.each(Object.keys(SERVICE_MODULES))('the OpenAPI document of %s', (service) => {
  beforeAll(async () => {
    documents.set(service, await serviceOpenApiDocument(service));
  });

  it(`is the one checked in at ${OPENAPI_DIR} (else run npm run openapi:export)`, () => {
    const checkedIn = readFileSync(join(OPENAPI_DIR, `${service}.json`), 'utf8');
    expect(openApiFileText(documents.get(service)!)).toBe(checkedIn);
  });

  it('gives every operation a summary, success and error schemas and an example', () => {
    expect(openApiGaps(documents.get(service)!)).toEqual([]);
  });

  it('asks a bearer token on every operation but the public ones', () => {
    const document = documents.get(service)!;
    const open = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { security?: unknown[] }>)
        .filter(([, operation]) => operation.security?.length === 0)
        .map(([method]) => `${method.toUpperCase()} ${path}`),
    );
    expect(document.components?.securitySchemes?.['bearer']).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(open.every((operation) => PUBLIC_OPERATIONS.test(operation))).toBe(true);
    expect(open).toEqual(expect.arrayContaining(['GET /health/live']));
  });
});

/** Probes, discovery documents and the token endpoint: nothing else answers without a token. */
const PUBLIC_OPERATIONS =
  /^(GET \/health(\/\w+)?|GET \/cds-services|GET \/fhir\/R4\/metadata|GET \/\.well-known\/smart-configuration|POST \/auth\/token)$/;
