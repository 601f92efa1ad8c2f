import type { OpenAPIObject } from '@nestjs/swagger';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const PROBE = /^\/health(\/|$)/;

interface Node {
  [key: string]: unknown;
}

/**
 * What the linter does not check and the API's readers need: each operation has a summary, a success
 * answer with a body schema (204 and redirects excepted), a 4xx answer with a body schema (unless it is public and takes no input, like health probes), a schema for
 * any request body, and at least one example (request or response, inline or in a referenced schema).
 * Returns one line per gap, `METHOD /path: what is missing`.
 */
export function openApiGaps(document: OpenAPIObject): string[] {
  const gaps: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Node)[method] as Node | undefined;
      if (!operation) continue;
      const where = `${method.toUpperCase()} ${path}`;
      const responses = (operation.responses ?? {}) as Record<string, Node>;
      if (!operation.summary) gaps.push(`${where}: no summary`);
      const success = Object.entries(responses).filter(([status]) => /^[23]/.test(status));
      if (success.length === 0) gaps.push(`${where}: no success response`);
      for (const [status, response] of success) {
        if (status !== '204' && !/^3/.test(status) && !hasSchemas(response.content))
          gaps.push(`${where}: ${status} has no body schema`);
      }
      const clientErrors = Object.entries(responses).filter(([status]) => /^4/.test(status));
      // Probes and public discovery documents take no input: nothing a client could get wrong.
      if (clientErrors.length === 0 && !takesNothing(path, operation)) gaps.push(`${where}: no 4xx response`);
      for (const [status, response] of clientErrors) {
        if (!hasSchemas(response.content)) gaps.push(`${where}: ${status} has no body schema`);
      }
      const requestBody = operation.requestBody as Node | undefined;
      if (requestBody && !hasSchemas(requestBody.content)) gaps.push(`${where}: request body has no schema`);
      if (!hasExample(document, operation, new Set())) gaps.push(`${where}: no example`);
    }
  }
  return gaps;
}

function takesNothing(path: string, operation: Node): boolean {
  const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
  return (
    PROBE.test(path) ||
    (isPublic && !operation.requestBody && ((operation.parameters as unknown[] | undefined) ?? []).length === 0)
  );
}

function hasSchemas(content: unknown): boolean {
  const media = Object.values((content ?? {}) as Record<string, Node>);
  return media.length > 0 && media.every((entry) => entry.schema !== undefined);
}

/** An `example`/`examples` anywhere under the node, following `$ref`s once each. */
function hasExample(document: OpenAPIObject, node: unknown, seen: Set<string>): boolean {
  if (Array.isArray(node)) return node.some((item) => hasExample(document, item, seen));
  if (node === null || typeof node !== 'object') return false;
  const record = node as Node;
  if (record.example !== undefined || record.examples !== undefined) return true;
  if (typeof record.$ref === 'string') {
    if (seen.has(record.$ref)) return false;
    seen.add(record.$ref);
    return hasExample(document, resolve(document, record.$ref), seen);
  }
  return Object.values(record).some((value) => hasExample(document, value, seen));
}

function resolve(document: OpenAPIObject, ref: string): unknown {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>(
      (node, key) => (node as Node | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      document,
    );
}
