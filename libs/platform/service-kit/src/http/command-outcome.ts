import { BadRequestException } from '@nestjs/common';
import type { CommandOutcome } from '@carecircle/platform/event-sourcing';
import type { ValidationProblem } from '../bootstrap/validation';

/**
 * A command's outcome at the HTTP edge: whether it changed anything (a repeat changes nothing), or
 * its domain error thrown for the service kit's filter to answer 404/409/422. The events stay
 * inside: responses are built from what the caller may see, not from the stored facts.
 */
export function unwrapOutcome<E>(outcome: CommandOutcome<E>): { changed: boolean } {
  if (!outcome.ok) throw outcome.error;
  return { changed: outcome.events.length > 0 };
}

/** A 400 naming one field, shaped like the validation pipe's (the constraint never quotes the value). */
export function fieldError(field: string, constraint: string): BadRequestException {
  const problem: ValidationProblem = {
    statusCode: 400,
    error: 'Bad Request',
    message: 'Request validation failed',
    errors: [{ field, constraints: [constraint] }],
  };
  return new BadRequestException(problem);
}
