/**
 * Deciders return (not throw) a DomainError when a command cannot be honoured. `code` is stable and
 * machine-readable (`enrollment.referral-unknown`); `category` picks the transport status at the edge
 * (HTTP 404/409/422). The message is shown to people, so it explains the rule in plain words and
 * never contains identifying data. The HTTP filter in the service kit matches this shape structurally.
 */
export type DomainErrorCategory = 'not-found' | 'conflict' | 'rule-violation';

export interface DomainError {
  readonly kind: 'domain-error';
  readonly category: DomainErrorCategory;
  readonly code: string;
  readonly message: string;
}

export function domainError(category: DomainErrorCategory, code: string, message: string): DomainError {
  return { kind: 'domain-error', category, code, message };
}

export function isDomainError(value: unknown): value is DomainError {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'domain-error';
}
