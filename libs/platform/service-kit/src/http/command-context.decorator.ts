import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { RequestContext } from '@carecircle/shared-kernel';

const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The command's correlation and causation. Correlation id from `X-Correlation-Id` when the caller
 * sends a well-formed one (so a hospital's integration engine can follow its message through),
 * otherwise a fresh one; each request is its own cause.
 */
export const CommandContext = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest<Request>();
  const header = request.header('x-correlation-id');
  const requestId = randomUUID();
  return {
    correlationId: header && OPAQUE_ID.test(header) ? header : requestId,
    causationId: `http-request:${requestId}`,
  };
});
