import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
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
/** Marks the route's OpenAPI operation, which the document builder turns into `security: []`. */
export const PUBLIC_ROUTE_EXTENSION = 'x-carecircle-public';

/** The route answers without a token (discovery documents and the like); /health is public anyway. */
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC_ROUTE, true), ApiExtension(PUBLIC_ROUTE_EXTENSION, true));

/** The verified caller; undefined when token verification is off (no `AUTH_TRUSTED_ISSUERS`) or on a public route. */
export const CurrentCaller = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): Caller | undefined =>
    ctx.switchToHttp().getRequest<RequestWithCaller>().caller,
);
