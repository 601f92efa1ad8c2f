import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import { FhirRequestError } from '@carecircle/gateway/application';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { auditBase, type AuthenticatedRequest } from './access.guard';

/**
 * Per-client token bucket, after the AccessGuard (it needs the principal): 429 with an
 * OperationOutcome and `Retry-After`. A throttled request is a denied attempt, so it is audited.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(@Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = request.principal;
    if (!principal) throw new Error('RateLimitGuard must run after the AccessGuard');
    const decision = this.deps.rateLimiter.take(principal.clientId);
    if (decision.allowed) return true;
    await this.deps.audit.append({
      ...auditBase(request),
      recordedAt: this.deps.clock.now(),
      action: request.method === 'GET' ? 'R' : 'E',
      outcome: '4',
      agent: principal.clientId,
      resourceTypes: [],
      memberIds: [],
    });
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(decision.retryAfterSeconds));
    throw new FhirRequestError(429, [{ severity: 'error', code: 'throttled', text: `Too many requests from this client: retry after ${decision.retryAfterSeconds} s` }]);
  }
}
