import { z } from 'zod';

/**
 * A message that can never succeed however often it is retried (not JSON, not an envelope, a payload
 * that breaks its contract). It goes to the dead-letter topic at once. The message text is built
 * here from field paths and issue codes only, so it is safe to put in a header: no values.
 */
export abstract class PoisonMessageError extends Error {}

export class UnreadableMessageError extends PoisonMessageError {
  override readonly name = 'UnreadableMessageError';
}

export class InvalidEnvelopeError extends PoisonMessageError {
  override readonly name = 'InvalidEnvelopeError';
  constructor(error: z.ZodError) {
    super(`envelope: ${summarizeIssues(error)}`);
  }
}

export class InvalidPayloadError extends PoisonMessageError {
  override readonly name = 'InvalidPayloadError';
  constructor(type: string, error: z.ZodError) {
    super(`${type}: ${summarizeIssues(error)}`);
  }
}

/** `payload.groupId: invalid_type; subject: invalid_format` (paths and codes, never the input). */
export function summarizeIssues(error: z.ZodError, max = 5): string {
  const parts = error.issues
    .slice(0, max)
    .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.code}`);
  const more = error.issues.length > max ? ` (+${error.issues.length - max} more)` : '';
  return parts.join('; ') + more;
}
