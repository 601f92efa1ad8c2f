import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { FhirRequestError, principalAllows, type AuditRecord, type Interaction, type Principal } from '@carecircle/gateway/application';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';

const REQUIRED = Symbol('REQUIRED_SCOPE');

/** The scope a route needs beyond a valid token (`system/<type>.<interaction>`); ingest routes check per entry. */
export const RequiresScope = (resourceType: string, interaction: Interaction) => SetMetadata(REQUIRED, { resourceType, interaction });

export type AuthenticatedRequest = Request & { principal?: Principal };

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without the AccessGuard');
  return principal;
});

export function auditBase(request: Request): Pick<AuditRecord, 'operation' | 'sourceIp'> {
  const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
  return { operation: `${request.method} ${route}`, ...(request.ip ? { sourceIp: request.ip } : {}) };
}

/** Bearer access token from our token endpoint; denials are audited before they are answered. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.header('authorization') ?? '';
    const token = /^Bearer (\S+)$/i.exec(header)?.[1];
    const principal = token ? await this.deps.tokens.verify(token) : undefined;
    const required = this.reflector.get<{ resourceType: string; interaction: Interaction } | undefined>(REQUIRED, context.getHandler());
    if (!principal) return this.deny(request, 'anonymous', 401, 'login', 'A valid bearer access token is required');
    if (required && !principalAllows(principal, required.resourceType, required.interaction)) {
      return this.deny(request, principal.clientId, 403, 'forbidden', `The access token does not allow this on ${required.resourceType}`);
    }
    request.principal = principal;
    return true;
  }

  private async deny(request: Request, agent: string, status: 401 | 403, code: 'login' | 'forbidden', text: string): Promise<never> {
    await this.deps.audit.append({ ...auditBase(request), recordedAt: this.deps.clock.now(), action: request.method === 'GET' ? 'R' : 'E', outcome: '4', agent, resourceTypes: [], memberIds: [] });
    throw new FhirRequestError(status, [{ severity: 'error', code, text }]);
  }
}
