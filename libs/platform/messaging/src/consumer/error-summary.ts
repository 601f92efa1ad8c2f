import { z } from 'zod';
import { PoisonMessageError, summarizeIssues } from './message-rejections';

/** What may leave the process about a failure: the error's class and a message free of data. */
export interface ErrorSummary {
  errorClass: string;
  errorMessage: string;
}

export type DescribeError = (error: unknown) => ErrorSummary;

const MAX_MESSAGE_LENGTH = 200;

/**
 * The default description. Arbitrary error messages can quote data (a PostgreSQL error quotes the
 * offending value, JSON.parse quotes the input), so only messages built from codes are passed on;
 * a service that knows an error class is safe can supply its own `describeError`.
 */
export const describeErrorSafely: DescribeError = (error) => {
  const errorClass = error instanceof Error ? error.name || error.constructor.name : typeof error;
  return { errorClass, errorMessage: safeMessage(error).slice(0, MAX_MESSAGE_LENGTH) };
};

function safeMessage(error: unknown): string {
  if (error instanceof PoisonMessageError) return error.message;
  if (error instanceof z.ZodError) return summarizeIssues(error);
  const code = errorCode(error);
  if (code) {
    const constraint = (error as { constraint?: unknown }).constraint;
    return typeof constraint === 'string' ? `code ${code}, constraint ${constraint}` : `code ${code}`;
  }
  return 'message withheld: it may quote data';
}

/** SQLSTATE for PostgreSQL errors, errno names (ECONNREFUSED…) for Node's. */
export function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code) ? code : undefined;
}
