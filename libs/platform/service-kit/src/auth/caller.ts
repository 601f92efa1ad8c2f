import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who called, from a verified bearer token: a person (`role`) or an integration client (`scope`). */
export interface Caller {
  sub: string;
  issuer: string;
  /** The CareCircle role claim (`carecircle_role`) of a person's token. */
  role?: string;
  /** The granted scopes of a client's (SMART) token. */
  scope?: string;
}

export type RequestWithCaller = Request & { caller?: Caller };

export const IS_PUBLIC_ROUTE = 'carecircle:public-route';

/** The route answers without a token (discovery documents and the like); /health is public anyway. */
export const Public = () => SetMetadata(IS_PUBLIC_ROUTE, true);

/** The verified caller; undefined when token verification is off (no `AUTH_TRUSTED_ISSUERS`) or on a public route. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Caller | undefined => ctx.switchToHttp().getRequest<RequestWithCaller>().caller,
);
