import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { urlWithoutQuery } from '../url-without-query';

/** Attributes the http, express and nestjs-core instrumentations fill with a whole URL. */
const URL_ATTRIBUTES = ['url.full', 'http.url', 'http.target'] as const;
/** Attributes that hold nothing but the query string. */
const QUERY_ATTRIBUTES = ['url.query'] as const;
export const REDACTED = 'REDACTED';

/**
 * Keeps query strings (which may carry PHI) out of every span, whichever instrumentation wrote
 * them: the http instrumentation only redacts a fixed list of parameter names and nestjs-core
 * records `req.originalUrl` as is. Placed first among the span processors, it rewrites the
 * attributes when the span starts and again just before it ends, so exporters never see them.
 * Paths carry ids too (`/fhir/R4/Patient/<EHR id>`): when the span ends, a path becomes the route
 * template that matched (`http.route`), or its first segment when none did.
 */
export class RedactUrlQuerySpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    redactUrlQuery(span);
  }

  onEnding(span: Span): void {
    redactUrlQuery(span);
    redactUrlPath(span);
  }

  onEnd(_span: ReadableSpan): void {
    // Nothing to do: the attributes were already rewritten while the span was writable.
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function redactUrlQuery(span: Span): void {
  for (const key of URL_ATTRIBUTES) {
    const value = span.attributes[key];
    if (typeof value === 'string' && value !== urlWithoutQuery(value)) span.setAttribute(key, urlWithoutQuery(value));
  }
  for (const key of QUERY_ATTRIBUTES) {
    if (span.attributes[key] !== undefined) span.setAttribute(key, REDACTED);
  }
}

/** Attributes that hold a path (and, for the URL ones, what precedes it). */
const PATH_ATTRIBUTES = ['url.path', 'http.target'] as const;
const FULL_URL_ATTRIBUTES = ['url.full', 'http.url'] as const;

/** The route template, or the first path segment: ids in paths are not for traces. */
export function pathForTrace(path: string, route: string | undefined): string {
  if (route) return route;
  const first = /^\/[^/?#]*/.exec(path)?.[0] ?? '/';
  return first === path ? path : `${first}/…`;
}

function redactUrlPath(span: Span): void {
  const route = typeof span.attributes['http.route'] === 'string' ? span.attributes['http.route'] : undefined;
  for (const key of PATH_ATTRIBUTES) {
    const value = span.attributes[key];
    if (typeof value === 'string') span.setAttribute(key, pathForTrace(value, route));
  }
  for (const key of FULL_URL_ATTRIBUTES) {
    const value = span.attributes[key];
    if (typeof value !== 'string') continue;
    const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(value)?.[0] ?? '';
    span.setAttribute(key, `${origin}${pathForTrace(value.slice(origin.length) || '/', route)}`);
  }
}
