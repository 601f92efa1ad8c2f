import {
  ForbiddenException,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  type INestApplication,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import type { Logger } from 'pino';
import {
  agentOf,
  decideAccess,
  principalOf,
  type AccessDecision,
  type AccessResource,
  type Principal,
} from '@carecircle/platform/access';
import {
  ACCESS_METADATA,
  type AccessMetadata,
  type AccessTarget,
  type RequestWithAccess,
} from '../access/access.decorator';
import { AccessContext } from '../access/access.module';
import { BearerTokenVerifier } from './bearer-token-verifier';
import { IS_PUBLIC_ROUTE, type RequestWithCaller } from './caller';
import { readTrustedIssuers } from './trusted-issuers';

/** Open without a token: probes, and CDS Hooks discovery (the EHR reads it before it has a token). */
function isExempt(request: RequestWithCaller): boolean {
  return /^\/health(\/|$)/.test(request.path) || (request.method === 'GET' && /^\/cds-services\/?$/.test(request.path));
}

type GuardedRequest = RequestWithCaller & RequestWithAccess;

/** The route template (`GET /api/x/:id`), never the raw path: ids in paths are not for the audit's `route`. */
function routeOf(request: GuardedRequest): string {
  return `${request.method} ${(request.route as { path?: string } | undefined)?.path ?? 'unmatched'}`;
}

/**
 * Every route of the service needs `Authorization: Bearer <JWT>` from a trusted issuer whose `aud` names
 * this service, except the exempt ones and `@Public()` routes. Then the access policy decides, from the
 * route's declared action and the service's own relationship tables; a route without an action refuses
 * everyone. Every decision on a route is audited (refusals in aggregate), an allowed one with the status
 * of the answer when the handler refused or failed (4xx, 5xx); the decision lands on
 * `request.access` for handlers that redact.
 */
export class ServiceTokenGuard implements CanActivate {
  constructor(
    private readonly verifier: BearerTokenVerifier,
    private readonly reflector: Reflector,
    private readonly access: AccessContext,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true; // Kafka handlers: the bus is inside the trust boundary
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    if (
      isExempt(request) ||
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC_ROUTE, [context.getHandler(), context.getClass()])
    )
      return true;
    const token = /^Bearer ([A-Za-z0-9._~+/=-]+)$/i.exec(request.header('authorization') ?? '')?.[1];
    const result = token
      ? await this.verifier.verify(token)
      : { ok: false as const, reason: 'A bearer token is required' };
    if (!result.ok) {
      context.switchToHttp().getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new UnauthorizedException(result.reason);
    }
    request.caller = result.caller;
    const principal = principalOf(result.caller);
    const declared = this.reflector.getAllAndOverride<AccessMetadata | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const { resource, memberIds } = declared
      ? await this.resourceOf(declared.target, request)
      : { resource: { kind: 'service' } as const, memberIds: [] };
    const decision: AccessDecision = declared
      ? decideAccess(principal, declared.action, resource, this.access.now())
      : { effect: 'deny', reason: 'wrong-resource', message: 'This route declares no access action: it is closed' };
    const auditId = await this.audit(request, principal, declared?.action ?? 'undeclared', decision, memberIds);
    if (decision.effect === 'deny' || !principal || !declared)
      throw new ForbiddenException(decision.effect === 'deny' ? decision.message : 'Access denied');
    // Allowed is the policy's word; what the handler answered (a 4xx, a 5xx) is added to the row once sent.
    if (auditId) {
      const response = context.switchToHttp().getResponse<Response>();
      response.once(
        'finish',
        () => void this.access.audit.recordAnswer(auditId, response.statusCode).catch(() => undefined),
      );
    }
    request.access = { principal, action: declared.action, decision };
    return true;
  }

  private async resourceOf(
    target: AccessTarget,
    request: GuardedRequest,
  ): Promise<{ resource: AccessResource; memberIds: string[] }> {
    if (target === 'service') return { resource: { kind: 'service' }, memberIds: [] };
    if ('self' in target)
      return { resource: { kind: 'self', personId: paramOf(request, target.self) ?? '' }, memberIds: [] };
    if ('group' in target) {
      const groupId = paramOf(request, target.group) ?? '';
      return {
        resource: {
          kind: 'group',
          groupId,
          facilitatorIds: await this.access.relationships.groupFacilitators(groupId),
        },
        memberIds: [],
      };
    }
    const raw = target.from === 'body' ? bodyFieldOf(request, target.member) : paramOf(request, target.member);
    const lookup = target.via ? this.access.lookups[target.via] : undefined;
    if (target.via && !lookup) throw new Error(`No member lookup named ${target.via} is registered with AccessModule`);
    const memberId = raw === undefined ? undefined : lookup ? await lookup(raw) : raw;
    // An id that names no known member relates to nobody: people are refused, scoped clients reach the handler's 404.
    const relations = memberId
      ? await this.access.relationships.memberRelations(memberId)
      : { careTeam: [], facilitatorIds: [], emergencyAccess: [], withdrawn: false };
    return { resource: { kind: 'member', memberId: memberId ?? '', relations }, memberIds: memberId ? [memberId] : [] };
  }

  private audit(
    request: GuardedRequest,
    principal: Principal | undefined,
    action: string,
    decision: AccessDecision,
    memberIds: string[],
  ): Promise<string | undefined> {
    const outcome =
      decision.effect === 'deny' ? 'denied' : decision.effect === 'allow' ? 'allowed' : 'allowed-redacted';
    return this.access.audit.record({
      recordedAt: this.access.now(),
      agent: principal ? agentOf(principal) : 'unknown-principal',
      action,
      route: routeOf(request),
      outcome,
      ...(decision.effect === 'deny' ? { reason: decision.reason } : {}),
      memberIds,
    });
  }
}

function paramOf(request: GuardedRequest, name: string): string | undefined {
  const value = (request.params as Record<string, unknown>)[name];
  return typeof value === 'string' && value.length <= 128 ? value : undefined;
}

function bodyFieldOf(request: GuardedRequest, name: string): string | undefined {
  const body = request.body as unknown;
  const value = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === 'string' && value.length <= 128 ? value : undefined;
}

/** The audience a service's tokens must name: `carecircle-<service>` (the gateway mints them per service). */
export function serviceAudience(service: string): string {
  return `carecircle-${service}`;
}

/**
 * Installs the guard from `AUTH_TRUSTED_ISSUERS`. Unset means off, said loudly at start-up, so that
 * local runs and tests work without an issuer; `AUTH_REQUIRED=true` (production manifests) makes unset
 * a startup error instead. With tokens verified, the service must have `AccessModule`.
 */
export function installServiceTokenGuard(app: INestApplication, service: string, logger: Logger): void {
  const issuers = readTrustedIssuers();
  if (!issuers) {
    logger.warn(
      'AUTH_TRUSTED_ISSUERS is not set: REST routes accept calls WITHOUT A TOKEN. Set it (and AUTH_REQUIRED=true) in any real deployment.',
    );
    return;
  }
  let access: AccessContext;
  try {
    access = app.get(AccessContext, { strict: false });
  } catch {
    throw new Error(`${service} verifies tokens but has no AccessModule: nothing could decide access`);
  }
  const audience = serviceAudience(service);
  app.useGlobalGuards(new ServiceTokenGuard(new BearerTokenVerifier(issuers, audience), app.get(Reflector), access));
  logger.info(
    { issuers: issuers.map((trusted) => trusted.issuer), audience },
    'bearer tokens verified and access decided on every route',
  );
}
