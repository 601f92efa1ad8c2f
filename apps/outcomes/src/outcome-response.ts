import type { PipeTransform } from '@nestjs/common';
import type { CommandOutcome } from '@carecircle/platform/event-sourcing';
import { fieldError, unwrapOutcome } from '@carecircle/platform/service-kit';

const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;

/** A scoring error names the item's field: that is bad input (400), not a broken domain rule. */
export function unwrap<E>(outcome: CommandOutcome<E>): { changed: boolean } {
  const error = outcome.ok ? undefined : (outcome.error as typeof outcome.error & { field?: string });
  if (error?.field) throw fieldError(error.field, error.message);
  return unwrapOutcome(outcome);
}

export const badRequest = fieldError;

export class MemberIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!MEMBER_ID.test(value)) throw badRequest('memberId', 'memberId must be a pseudonymous member id (mbr_…)');
    return value;
  }
}
