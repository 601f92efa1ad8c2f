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
 */
export class RedactUrlQuerySpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    redactUrlQuery(span);
  }

  onEnding(span: Span): void {
    redactUrlQuery(span);
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
