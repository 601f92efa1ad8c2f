import { createHash } from 'node:crypto';

export interface VerifiedTokenCacheOptions {
  /** Entries kept; the oldest goes first. Default 10,000. */
  maxEntries?: number;
  /**
   * Longest a verification is reused, whatever the token's `exp`. Default 60 s: a key withdrawn from
   * an issuer's JWKS (a compromise) stops being honoured within a minute, not at the token's expiry.
   */
  maxAgeMs?: number;
}

/**
 * What a signature check concluded about a token, kept until the token expires (bounded), so a
 * client presenting the same token a hundred times a second pays for one ES384 verification. Only
 * successes are kept; keys are SHA-256 digests, so the cache holds no usable token. Not for tokens
 * whose validity can end before `exp` (revocable sessions, one-use JWTs): callers keep those out.
 */
export class VerifiedTokenCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
  }

  get(token: string, nowMs: number): T | undefined {
    const key = digest(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (nowMs < entry.until) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** `expiresAtSeconds`: the token's `exp` claim. */
  set(token: string, value: T, expiresAtSeconds: number, nowMs: number): void {
    const until = Math.min(expiresAtSeconds * 1000, nowMs + this.maxAgeMs);
    if (!(until > nowMs)) return;
    const key = digest(token);
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, until });
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
