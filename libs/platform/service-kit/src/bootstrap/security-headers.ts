import type { NextFunction, Request, Response } from 'express';

const ONE_YEAR_SECONDS = 365 * 24 * 60 * 60;

/** Sent on every answer of every service; a route may set its own `Cache-Control` or `Content-Security-Policy`. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Strict-Transport-Security': `max-age=${ONE_YEAR_SECONDS}; includeSubDomains`,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  // Answers carry health data: no browser or proxy keeps them, unless a route says otherwise (static assets).
  'Cache-Control': 'no-store',
};

/**
 * The response headers helmet would set for an API, as a small middleware (no dependency): HSTS,
 * nosniff, no referrer, no framing and `no-store`. `X-Powered-By` is switched off by the bootstrap.
 */
export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  next();
}
