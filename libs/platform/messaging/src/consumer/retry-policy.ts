import { WrongExpectedVersionError } from '@carecircle/platform/event-store';
import type { Backoff } from '../shared/backoff';
import { errorCode } from './error-summary';

export interface RetryPolicy extends Backoff {
  /** Total tries, the first one included. */
  attempts: number;
}

/** 200, 400, 800, 1600 ms between five tries: about 3 s, well inside the consumer session timeout. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 5, initialDelayMs: 200, maxDelayMs: 5_000, multiplier: 2 };

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1)
    throw new Error(`retry attempts must be a positive integer, got ${policy.attempts}`);
  return policy;
}

/**
 * Errors that say nothing against the message, so it is delivered again rather than dead-lettered:
 * PostgreSQL connection/resource/shutdown classes and Node socket errors (the database is away; dead-lettering
 * would empty a topic into the DLQ during an outage), and a stream another writer kept winning through every
 * retry (partitions run in parallel: the next delivery decides on the newer state).
 */
// 57014: a statement cancelled by statement_timeout (a slow server, not a bad message).
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|57014|40001|40P01)/;
const TRANSIENT_ERRNO = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function isTransientError(error: unknown): boolean {
  if (error instanceof WrongExpectedVersionError) return true;
  const code = errorCode(error);
  if (code && (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_ERRNO.has(code))) return true;
  const message = error instanceof Error ? error.message : '';
  return /^Connection terminated|timeout exceeded when trying to connect/.test(message); // pg / pg-pool, no code
}
