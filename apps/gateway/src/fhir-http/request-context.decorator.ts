import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { RequestContext } from '@carecircle/gateway/application';

const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Correlation id from a well-formed `X-Correlation-Id`, otherwise fresh; each request is its own cause. */
export const CommandContext = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext => {
  const header = ctx.switchToHttp().getRequest<Request>().header('x-correlation-id');
  const requestId = randomUUID();
  return {
    correlationId: header && OPAQUE_ID.test(header) ? header : requestId,
    causationId: `http-request:${requestId}`,
  };
});
