import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { fieldError } from '@carecircle/platform/service-kit';

const CLINICIAN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The acting clinician (`X-Clinician-Id`, set by the gateway after authentication). */
export const ClinicianId = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const value = ctx.switchToHttp().getRequest<Request>().header('x-clinician-id');
  if (!value || !CLINICIAN_ID.test(value)) throw fieldError('x-clinician-id', 'x-clinician-id must be an opaque clinician id');
  return value;
});
