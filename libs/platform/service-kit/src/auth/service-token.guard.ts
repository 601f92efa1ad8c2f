import { UnauthorizedException, type CanActivate, type ExecutionContext, type INestApplication } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { BearerTokenVerifier } from './bearer-token-verifier';
import { IS_PUBLIC_ROUTE, type RequestWithCaller } from './caller';
import { readTrustedIssuers } from './trusted-issuers';

/** Open without a token: probes, and CDS Hooks discovery (the EHR reads it before it has a token). */
function isExempt(request: RequestWithCaller): boolean {
  return /^\/health(\/|$)/.test(request.path) || (request.method === 'GET' && /^\/cds-services\/?$/.test(request.path));
}

/**
 * Every route of the service needs `Authorization: Bearer <JWT>` from a trusted issuer, except the
 * exempt ones and `@Public()` routes; the verified caller lands on `request.caller`.
 */
export class ServiceTokenGuard implements CanActivate {
  constructor(
    private readonly verifier: BearerTokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // Kafka handlers: the bus is inside the trust boundary
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    if (isExempt(request) || this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_ROUTE, [context.getHandler(), context.getClass()])) return true;
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(request.header('authorization') ?? '')?.[1];
    const result = token ? await this.verifier.verify(token) : { ok: false as const, reason: 'A bearer token is required' };
    if (!result.ok) {
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedException(result.reason);
    }
    request.caller = result.caller;
    return true;
  }
}

/**
 * Installs the guard from `AUTH_TRUSTED_ISSUERS`. Unset means off, said loudly at start-up, so that
 * local runs and tests work without an issuer; `AUTH_REQUIRED=true` (production manifests) makes unset
 * a startup error instead.
 */
export function installServiceTokenGuard(app: INestApplication, logger: Logger): void {
  const issuers = readTrustedIssuers();
  if (!issuers) {
    logger.warn('AUTH_TRUSTED_ISSUERS is not set: REST routes accept calls WITHOUT A TOKEN. Set it (and AUTH_REQUIRED=true) in any real deployment.');
    return;
  }
  app.useGlobalGuards(new ServiceTokenGuard(new BearerTokenVerifier(issuers), app.get(Reflector)));
  logger.info({ issuers: issuers.map((trusted) => trusted.issuer) }, 'bearer tokens verified on every route');
}
