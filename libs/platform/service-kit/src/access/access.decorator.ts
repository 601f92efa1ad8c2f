import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AccessAction, AccessDecision, Principal } from '@carecircle/platform/access';

export const ACCESS_METADATA = 'carecircle:access';

/**
 * What a route acts on, so the policy can be asked about the right thing:
 * - `{ member: 'memberId' }`: the route parameter holds a member id;
 * - `{ member: 'alertId', via: 'alert' }`: the parameter holds another id, which the service's lookup
 *   named `alert` turns into the member's (an unknown id is a member nobody relates to);
 * - `{ member: 'referralId', via: 'referral', from: 'body' }`: the same from a body field;
 * - `{ group: 'groupId' }`, `{ self: 'clinicianId' }` (whose own things), or `'service'`.
 */
export type AccessTarget =
  { member: string; via?: string; from?: 'param' | 'body' } | { group: string } | { self: string } | 'service';

export interface AccessMetadata {
  action: AccessAction;
  target: AccessTarget;
}

/** Declares the route's action: every route of every service has one (or is `@Public()`), or it refuses everyone. */
export const Access = (action: AccessAction, target: AccessTarget) =>
  SetMetadata(ACCESS_METADATA, { action, target } satisfies AccessMetadata);

/** What the policy decided for this request; absent where token verification is off (local development only). */
export interface RequestAccess {
  principal: Principal;
  action: AccessAction;
  decision: AccessDecision;
}

export type RequestWithAccess = Request & { access?: RequestAccess };

/**
 * How much of the answer the caller may see: `full`, `redacted` (the facilitator's copy, no medication
 * detail), or `unchecked` when verification is off (development). Handlers that can redact read this.
 */
export type AccessView = 'full' | 'redacted' | 'unchecked';

export function accessViewOf(request: RequestWithAccess): AccessView {
  const decision = request.access?.decision;
  if (!decision) return 'unchecked';
  return decision.effect === 'allow-redacted' ? 'redacted' : 'full';
}

export const CurrentAccess = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): RequestAccess | undefined =>
    ctx.switchToHttp().getRequest<RequestWithAccess>().access,
);
