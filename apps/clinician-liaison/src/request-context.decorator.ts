import { BadRequestException, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { RequestContext } from '@carecircle/clinician-liaison/application';
import type { CommandOutcome } from '@carecircle/platform/event-sourcing';

const OPAQUE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CLINICIAN_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const CommandContext = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestContext => {
  const request = ctx.switchToHttp().getRequest<Request>();
  const header = request.header('x-correlation-id');
  const requestId = randomUUID();
  return { correlationId: header && OPAQUE_ID.test(header) ? header : requestId, causationId: `http-request:${requestId}` };
});

/** The acting clinician (`X-Clinician-Id`, set by the gateway after authentication). */
export const ClinicianId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const value = ctx.switchToHttp().getRequest<Request>().header('x-clinician-id');
  if (!value || !CLINICIAN_ID.test(value)) throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: 'Validation failed', errors: [{ field: 'x-clinician-id', constraints: { header: 'x-clinician-id must be an opaque clinician id' } }] });
  return value;
});

/** Domain errors are thrown here, at the edge, so the service kit's filter maps them to 404/409/422. */
export function unwrap<E>(outcome: CommandOutcome<E>): { changed: boolean } {
  if (!outcome.ok) throw outcome.error;
  return { changed: outcome.events.length > 0 };
}
