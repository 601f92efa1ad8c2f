import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { FhirRequestError, principalAllows, type AuditRecord, type Interaction, type Principal } from '@carecircle/gateway/application';
import { GATEWAY_AUTH, type GatewayAuth } from '../auth/gateway-auth';
import { GatewayAuthenticator, type Caller } from '../auth/gateway-authenticator';
import type { HumanRole } from '../auth/human-roles';

const REQUIRED = Symbol('REQUIRED_SCOPE');
const HUMANS_ALLOWED = Symbol('HUMANS_ALLOWED');

/** The scope a route needs beyond a valid token (`system/<type>.<interaction>`); ingest routes check per entry. */
export const RequiresScope = (resourceType: string, interaction: Interaction) => SetMetadata(REQUIRED, { resourceType, interaction });

/**
 * People with these roles may use the route too (the scope applies to integration clients only).
 * Without it a person's token gets 403: humans do not push EHR data or invoke CDS services.
 */
export const AllowHumans = (...roles: HumanRole[]) => SetMetadata(HUMANS_ALLOWED, roles);

/** `principal` is set for integration clients (SMART); `caller` for everyone who got through. */
export type AuthenticatedRequest = Request & { principal?: Principal; caller?: Caller };

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without the AccessGuard');
  return principal;
});

/** Whoever the AccessGuard let through: a person (on `@AllowHumans` routes) or an integration client. */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<AuthenticatedRequest>().caller;
  if (!caller) throw new Error('CurrentCaller used on a route without the AccessGuard');
  return caller;
});

export function auditBase(request: Request): Pick<AuditRecord, 'operation' | 'sourceIp'> {
  const route = (request.route as { path?: string } | undefined)?.path ?? request.path;
  return { operation: `${request.method} ${route}`, ...(request.ip ? { sourceIp: request.ip } : {}) };
}

/**
 * Bearer access token (SMART client, or a person where the route allows their role; see
 * `GatewayAuthenticator`); denials are audited before they are answered, as OperationOutcomes.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    @Inject(GATEWAY_AUTH) private readonly auth: GatewayAuth,
    private readonly authenticator: GatewayAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = await this.authenticator.authenticate(request);
    if (!caller) return this.deny(request, 'anonymous', 401, 'login', 'A valid bearer access token is required');
    if (caller.kind === 'human') {
      const roles = this.reflector.getAllAndOverride<HumanRole[] | undefined>(HUMANS_ALLOWED, [context.getHandler(), context.getClass()]) ?? [];
      if (!roles.includes(caller.role)) return this.deny(request, caller.id, 403, 'forbidden', 'This route is not open to your role');
      request.caller = caller;
      return true;
    }
    const principal = { clientId: caller.id, scope: caller.scope };
    const required = this.reflector.getAllAndOverride<{ resourceType: string; interaction: Interaction } | undefined>(REQUIRED, [context.getHandler(), context.getClass()]);
    if (required && !principalAllows(principal, required.resourceType, required.interaction)) {
      return this.deny(request, caller.id, 403, 'forbidden', `The access token does not allow this on ${required.resourceType}`);
    }
    request.principal = principal;
    request.caller = caller;
    return true;
  }

  private async deny(request: Request, agent: string, status: 401 | 403, code: 'login' | 'forbidden', text: string): Promise<never> {
    await this.auth.audit.append({ ...auditBase(request), recordedAt: this.auth.clock.now(), action: request.method === 'GET' ? 'R' : 'E', outcome: '4', agent, resourceTypes: [], memberIds: [] });
    throw new FhirRequestError(status, [{ severity: 'error', code, text }]);
  }
}
