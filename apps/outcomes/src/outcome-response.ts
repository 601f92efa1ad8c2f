import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { CommandOutcome } from '@carecircle/platform/event-sourcing';
import type { ValidationProblem } from '@carecircle/platform/service-kit';

const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;

/** A scoring error names the item's field: that is bad input (400), not a broken domain rule. */
export function unwrap<E>(outcome: CommandOutcome<E>): { changed: boolean } {
  if (outcome.ok) return { changed: outcome.events.length > 0 };
  const error = outcome.error as typeof outcome.error & { field?: string };
  if (error.field) {
    const problem: ValidationProblem = { statusCode: 400, error: 'Bad Request', message: 'Request validation failed', errors: [{ field: error.field, constraints: [error.message] }] };
    throw new BadRequestException(problem);
  }
  throw outcome.error;
}

export function badRequest(field: string, constraint: string): BadRequestException {
  const problem: ValidationProblem = { statusCode: 400, error: 'Bad Request', message: 'Request validation failed', errors: [{ field, constraints: [constraint] }] };
  return new BadRequestException(problem);
}

export class MemberIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!MEMBER_ID.test(value)) throw badRequest('memberId', 'memberId must be a pseudonymous member id (mbr_…)');
    return value;
  }
}
