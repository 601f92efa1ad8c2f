import { createParamDecorator, ForbiddenException, type ExecutionContext } from '@nestjs/common';
import { fieldError, type RequestWithCaller } from '@carecircle/platform/service-kit';

const CLINICIAN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The acting clinician. A person's verified token is who acts: a different `X-Clinician-Id` is refused,
 * so a token holder cannot act as someone else. An integration client's token (no role), or a service
 * running without token verification, names the clinician it acts for in `X-Clinician-Id`.
 */
export const ClinicianId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<RequestWithCaller>();
  const claimed = request.header('x-clinician-id');
  const person = request.caller?.role ? request.caller.sub : undefined;
  if (person !== undefined) {
    if (claimed !== undefined && claimed !== person)
      throw new ForbiddenException('x-clinician-id must be the signed-in person');
    if (!CLINICIAN_ID.test(person)) throw new ForbiddenException('The token names no opaque clinician id');
    return person;
  }
  if (!claimed || !CLINICIAN_ID.test(claimed))
    throw fieldError('x-clinician-id', 'x-clinician-id must be an opaque clinician id');
  return claimed;
});
