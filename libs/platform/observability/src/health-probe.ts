import type { IncomingMessage } from 'node:http';
import { urlWithoutQuery } from './url-without-query';

/** Probes poll these paths every few seconds; a span or a log line per probe would drown the rest. */
export function isHealthProbe(request: IncomingMessage): boolean {
  const path = urlWithoutQuery(request.url ?? '');
  return path === '/health' || path.startsWith('/health/');
}
