/**
 * How a domain error is recognised at the HTTP edge. Domain libraries are pure (no Nest, no
 * platform imports), so the filter matches this shape structurally: any object, class instance
 * or not, with `kind: 'domain-error'` and a string `code` is a domain error. A domain library
 * declares its own errors, e.g.
 *
 *   export const consentMissing = (): ConsentMissing =>
 *     ({ kind: 'domain-error', code: 'enrollment.consent-missing', category: 'rule-violation',
 *        message: 'Consent must be recorded before enrollment' });
 *
 * `message` is sent to the client and logged: it must not contain PHI.
 */
export interface DomainErrorLike {
  readonly kind: 'domain-error';
  /** Stable, machine-readable, e.g. `scheduling.group-full`. */
  readonly code: string;
  /** Picks the HTTP status; `rule-violation` when absent. */
  readonly category?: DomainErrorCategory;
  readonly message?: string;
}

export type DomainErrorCategory = 'not-found' | 'conflict' | 'rule-violation';

export const HTTP_STATUS_BY_CATEGORY: Readonly<Record<DomainErrorCategory, number>> = {
  'not-found': 404,
  conflict: 409,
  'rule-violation': 422,
};

export function isDomainError(value: unknown): value is DomainErrorLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { kind?: unknown; code?: unknown };
  return candidate.kind === 'domain-error' && typeof candidate.code === 'string';
}

/** A throwable base for application and adapter code that may import the platform. */
export class DomainError extends Error implements DomainErrorLike {
  readonly kind = 'domain-error' as const;

  constructor(
    readonly code: string,
    message: string,
    readonly category: DomainErrorCategory = 'rule-violation',
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
