/**
 * Deciders return (not throw) a DomainError when a command cannot be honoured. Adapters map `code`
 * to a transport status (HTTP 404/409/422) at the edge; the message is shown to people, so it must
 * explain the rule in plain words and never contain identifying data.
 */
export type DomainErrorCode = 'not-found' | 'conflict' | 'rule-violation';

export interface DomainError {
  readonly kind: 'domain-error';
  readonly code: DomainErrorCode;
  readonly message: string;
}

export function domainError(code: DomainErrorCode, message: string): DomainError {
  return { kind: 'domain-error', code, message };
}

export function isDomainError(value: unknown): value is DomainError {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'domain-error';
}
