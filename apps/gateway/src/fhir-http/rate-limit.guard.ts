import {
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { FhirRequestError, type RateLimit } from '@carecircle/gateway/application';
import { isHealthProbe } from '@carecircle/platform/observability';
import { GatewayAuthenticator, type Caller } from '../auth/gateway-authenticator';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { auditBase } from './access.guard';
import { FhirRequestErrorFilter } from './fhir-request-error.filter';

const CHARGED = Symbol('RATE_LIMIT_CHARGED');
const UNMETERED = 'carecircle:rate-limit-unmetered';

/**
 * A route answering a constant the browser caches for good (the console's versioned modules): charged to no
 * bucket, as an unknown path is not either, so that a page's dozen modules do not eat its address's budget.
 */
export const Unmetered = () => SetMetadata(UNMETERED, true);
const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;

/** The bucket a request is charged to: its principal's when its token is valid, else its address's. */
export function rateLimitKey(caller: Caller | undefined, address: string | undefined): string {
  if (caller) return `${caller.kind === 'human' ? 'person' : 'client'}:${caller.id}`;
  return `address:${address === undefined ? 'unknown' : addressBucket(address)}`;
}

/**
 * IPv4 as is (also when mapped into IPv6); IPv6 by its /64, which one host usually holds whole, so that
 * walking through its addresses does not buy a fresh bucket each time.
 */
export function addressBucket(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!address.includes(':')) return address;
  const [head = '', tail] = (address.toLowerCase().split('%')[0] ?? '').split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0');
  const groups = tail === undefined ? left : [...left, ...zeros, ...right];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/**
 * Token buckets on every route (installed globally, before any route's own guards): a request with a
 * valid token is charged to its principal (SMART client or person, each with its configured limit), any
 * other one (the token endpoint, the dev IdP, discovery, metadata, every 401) to the caller's address,
 * which is the TCP peer unless `GATEWAY_TRUST_PROXY` names the proxies. 429 with `Retry-After`, as an
 * OperationOutcome on FHIR routes; throttled requests are audited (counted, one row a minute).
 * Routes that still name it in `@UseGuards` are not charged twice.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    @Inject(GATEWAY_DEPS) private readonly deps: GatewayDeps,
    private readonly authenticator: GatewayAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & { [CHARGED]?: true }>();
    if (request[CHARGED] || isHealthProbe(request) || this.reflector.get<boolean>(UNMETERED, context.getHandler()))
      return true;
    request[CHARGED] = true;
    const caller = await this.authenticator.authenticate(request);
    const decision = this.deps.rateLimiter.take(rateLimitKey(caller, request.ip));
    if (decision.allowed) return true;
    await this.deps.audit.append({
      ...auditBase(request),
      recordedAt: this.deps.clock.now(),
      action: request.method === 'GET' ? 'R' : 'E',
      outcome: '4',
      agent: caller?.id ?? 'anonymous',
      resourceTypes: [],
      // A denial names the members the request named (their audit trail shows it).
      memberIds: Object.values((request.params ?? {}) as Record<string, string>).filter((id) => MEMBER_ID.test(id)),
    });
    const seconds = decision.retryAfterSeconds;
    context.switchToHttp().getResponse<Response>().setHeader('Retry-After', String(seconds));
    const text = `Too many requests: retry after ${seconds} s`;
    if (this.answersFhir(context)) throw new FhirRequestError(429, [{ severity: 'error', code: 'throttled', text }]);
    throw new HttpException({ statusCode: 429, error: 'Too Many Requests', message: text }, 429);
  }

  private answersFhir(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    const filters = this.reflector.getAllAndMerge<unknown[]>(EXCEPTION_FILTERS_METADATA, targets);
    return filters.some((filter) => filter === FhirRequestErrorFilter || filter instanceof FhirRequestErrorFilter);
  }
}

/** The configured limit of a bucket key: the address limit, a principal's own, or undefined (the default). */
export function rateLimitOf(
  limits: { address: RateLimit; principals: Readonly<Record<string, RateLimit>> },
  key: string,
): RateLimit | undefined {
  if (key.startsWith('address:')) return limits.address;
  const id = key.slice(key.indexOf(':') + 1);
  return Object.hasOwn(limits.principals, id) ? limits.principals[id] : undefined;
}
