import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_ROUTE_EXTENSION } from '../auth/caller';

export const OPENAPI_PATH = 'api/docs';

/** The name of the security scheme every non-public operation requires. */
export const BEARER_SCHEME = 'bearer';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * The service's OpenAPI document, the same for Swagger UI and for `npm run openapi:export`: a bearer JWT
 * required on every operation except `@Public()` ones (`security: []`), keys sorted so that the exported file only changes when the API does.
 */
export function buildOpenApiDocument(app: INestApplication, serviceName: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle(`CareCircle ${serviceName}`)
    .setDescription(
      `The ${serviceName} service's HTTP API. Calls carry a bearer JWT unless the operation says \`security: []\`.`,
    )
    .setVersion('1')
    .addServer('/', 'The service itself')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'A JWT from a trusted issuer (SMART token, OIDC, or a service token).',
      },
      BEARER_SCHEME,
    )
    .addSecurityRequirements(BEARER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, config, { operationIdFactory: operationId });
  for (const pathItem of Object.values(document.paths)) {
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method] as
        (Record<string, unknown> & { security?: unknown; operationId?: string }) | undefined;
      // A handler on several paths gets `id[1]`, `id[2]`… for its aliases: an identifier a client generator can use.
      if (operation?.operationId) operation.operationId = operation.operationId.replace(/\[(\d+)\]$/, 'Alias$1');
      if (operation?.[PUBLIC_ROUTE_EXTENSION]) {
        delete operation[PUBLIC_ROUTE_EXTENSION];
        operation.security = [];
      }
    }
  }
  return sortKeys(document);
}

/** `ReferralsHttpController.refer` is `referralsRefer`: unique while controllers' names are, and readable in generated clients. */
function operationId(controllerKey: string, methodKey: string): string {
  const resource = controllerKey.replace(/(Http)?Controller$/, '');
  return `${resource.charAt(0).toLowerCase()}${resource.slice(1)}${methodKey.charAt(0).toUpperCase()}${methodKey.slice(1)}`;
}

/** Swagger UI at `/api/docs`, the OpenAPI JSON at `/api/docs-json`. */
export function setupOpenApi(app: INestApplication, serviceName: string): void {
  SwaggerModule.setup(OPENAPI_PATH, app, () => buildOpenApiDocument(app, serviceName));
}

/** Objects' keys in code-point order at every depth; arrays keep their order (it can mean something). */
function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => sortKeys(item)) as T;
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)])) as T;
}
