import {
  createParamDecorator,
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  FhirRequestError,
  patientNamedBy,
  principalAllows,
  principalOfReader,
  type AuditRecord,
  type Interaction,
  type Principal,
} from '@carecircle/gateway/application';
import { decideAccess } from '@carecircle/platform/access';
import { ACCESS_METADATA, type AccessMetadata } from '@carecircle/platform/service-kit';
import { GATEWAY_AUTH, type GatewayAuth } from '../auth/gateway-auth';
import { GatewayAuthenticator, type Caller } from '../auth/gateway-authenticator';

const REQUIRED = Symbol('REQUIRED_SCOPE');
const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{1,60}$/;

/** For routes serving many resource types (`per-resource` actions): the scope of this one (`system/<type>.<interaction>`); ingest checks per entry. */
export const RequiresScope = (resourceType: string, interaction: Interaction) =>
  SetMetadata(REQUIRED, { resourceType, interaction });

/** `principal` is set for integration clients (SMART); `caller` for everyone who got through. */
export type AuthenticatedRequest = Request & { principal?: Principal; caller?: Caller };

export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without the AccessGuard');
  return principal;
});

/** Whoever the AccessGuard let through: a person or an integration client. */
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
 * Bearer access token (SMART client, or a person; see `GatewayAuthenticator`), then the shared access
 * policy with the route's declared `@Access` action (the same decision the services make); FHIR reads
 * also need the scope of their resource type. Denials are audited before they are answered, as
 * OperationOutcomes.
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
    const declared = this.reflector.getAllAndOverride<AccessMetadata | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!declared || declared.target !== 'service')
      return this.deny(
        request,
        caller.id,
        403,
        'forbidden',
        'This route declares no service-level access action: it is closed',
      );
    const decision = decideAccess(
      principalOfReader(caller),
      declared.action,
      { kind: 'service' },
      this.auth.clock.now(),
    );
    if (decision.effect === 'deny') return this.deny(request, caller.id, 403, 'forbidden', decision.message);
    if (caller.kind === 'human') {
      request.caller = caller;
      return true;
    }
    const principal = { clientId: caller.id, scope: caller.scope };
    const required = this.reflector.getAllAndOverride<{ resourceType: string; interaction: Interaction } | undefined>(
      REQUIRED,
      [context.getHandler(), context.getClass()],
    );
    if (required && !principalAllows(principal, required.resourceType, required.interaction)) {
      return this.deny(
        request,
        caller.id,
        403,
        'forbidden',
        `The access token does not allow this on ${required.resourceType}`,
      );
    }
    request.principal = principal;
    request.caller = caller;
    return true;
  }

  private async deny(
    request: Request,
    agent: string,
    status: 401 | 403,
    code: 'login' | 'forbidden',
    text: string,
  ): Promise<never> {
    const memberIds = await this.membersNamed(request).catch(() => []);
    await this.auth.audit.append({
      ...auditBase(request),
      recordedAt: this.auth.clock.now(),
      action: request.method === 'GET' ? 'R' : 'E',
      outcome: '4',
      agent,
      resourceTypes: [],
      memberIds,
    });
    throw new FhirRequestError(status, [{ severity: 'error', code, text }]);
  }

  /** The member a refused request named: by member id in the path, or by the EHR patient a search names (when known). */
  private async membersNamed(request: Request): Promise<string[]> {
    const memberId = request.params?.['memberId'];
    if (typeof memberId === 'string' && MEMBER_ID.test(memberId)) return [memberId];
    const patient = patientNamedBy((request.query ?? {}) as Record<string, unknown>);
    const named = patient && this.auth.memberOfPatient ? await this.auth.memberOfPatient(patient) : undefined;
    return named ? [named] : [];
  }
}
