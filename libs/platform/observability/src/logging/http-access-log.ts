import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level, Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { isHealthProbe } from '../health-probe';
import { urlWithoutQuery } from '../url-without-query';

/** What express adds to the request: the full URL before sub-routing, the router's mount path and the matched route. */
type RoutedRequest = IncomingMessage & { originalUrl?: string; baseUrl?: string; route?: { path?: unknown } };

/**
 * One access-log line: no headers, no query string, no body, no path parameter; any of them can carry
 * PHI or an EHR id (`/fhir/R4/Patient/<ehr id>`), so the path is the route template.
 */
export interface AccessLogFields {
  method: string;
  /** The route template with its mount path (`/fhir/R4/Patient/:id`); unmatched, only the first segment (`/fhir/…`). */
  path: string;
  /** The route template (`/members/:memberId`) when a route matched. */
  route?: string;
  statusCode: number;
  durationMs: number;
}

/**
 * pino-http middleware that logs one line per response with only `AccessLogFields` (plus the
 * trace ids from the logger's mixin). Health probes are not logged.
 */
export function createHttpAccessLogger(logger: Logger): HttpLogger {
  return pinoHttp({
    logger,
    // Fields are built at the end of the response, when the route is known, instead of binding
    // the whole serialized request (headers, query, remote address) to the line.
    quietReqLogger: true,
    quietResLogger: true,
    autoLogging: { ignore: isHealthProbe },
    customAttributeKeys: { responseTime: 'durationMs' },
    customLogLevel: (_req, res, error) => levelForStatus(res.statusCode, error),
    customSuccessObject: (req, res, val: { durationMs: number }) => accessLogFields(req, res, val.durationMs),
    customErrorObject: (req, res, _error, val: { durationMs: number }) => accessLogFields(req, res, val.durationMs),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
  });
}

export function accessLogFields(req: RoutedRequest, res: ServerResponse, durationMs: number): AccessLogFields {
  const route = typeof req.route?.path === 'string' ? req.route.path : undefined;
  return {
    method: req.method ?? 'UNKNOWN',
    path: route !== undefined ? `${req.baseUrl ?? ''}${route}` : unmatchedPath(req.originalUrl ?? req.url ?? ''),
    ...(route ? { route } : {}),
    statusCode: res.statusCode,
    durationMs,
  };
}

/** No route matched (a 404, or refused before routing): which area was asked, not which record. */
function unmatchedPath(url: string): string {
  const [first, ...rest] = urlWithoutQuery(url).split('/').filter(Boolean);
  if (first === undefined) return '/';
  return rest.length > 0 ? `/${first}/…` : `/${first}`;
}

/**
 * 5xx is ours to fix; other 4xx are worth an operator's look (bad input, refused tokens, throttling). A 404
 * is an ordinary answer ("not there yet" while a projection catches up; every client polls for that), so a
 * normal start prints no warnings; refusals are audited in any case.
 */
export function levelForStatus(statusCode: number, error?: Error): Level {
  if (error || statusCode >= 500) return 'error';
  if (statusCode === 404) return 'info';
  if (statusCode >= 400) return 'warn';
  return 'info';
}
