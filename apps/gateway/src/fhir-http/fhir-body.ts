import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import { operationOutcome } from '@carecircle/gateway/application';
import { FHIR_JSON } from './fhir-request-error.filter';

/**
 * `application/fhir+json` bodies up to the configured limit (the service kit's JSON parser keeps
 * `application/json` at its own limit), form bodies for the token endpoint, and body errors on FHIR
 * routes answered as OperationOutcome without quoting the body.
 */
export function configureFhirBodies(app: INestApplication, limit: string): void {
  app.use(express.json({ type: 'application/fhir+json', limit }));
  app.use('/auth/token', express.urlencoded({ extended: false, limit: '64kb' }));
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!req.path.startsWith('/fhir/')) return next(error);
    const type = (error as { type?: string; status?: number; response?: { statusCode?: number } })?.type;
    const status = (error as { status?: number }).status ?? (error as { getStatus?: () => number }).getStatus?.() ?? 400;
    const text = type === 'entity.too.large' || status === 413 ? `The body is larger than the limit of ${limit}` : 'Malformed JSON body';
    res.status(status === 413 || type === 'entity.too.large' ? 413 : 400).type(FHIR_JSON).send(JSON.stringify(operationOutcome([{ severity: 'error', code: type === 'entity.too.large' ? 'too-costly' : 'structure', text }])));
  });
}
