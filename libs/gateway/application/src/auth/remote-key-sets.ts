import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';

export interface RemoteKeySetOptions {
  /** Each fetch of a JWKS is given up after this long (and is not cached as a success). */
  timeoutMs: number;
  /** No refetch sooner than this after the last one, even for an unknown `kid`: a caller cannot make us hammer the URL. */
  cooldownMs: number;
  /** A fetched JWKS is used this long before it is fetched again. */
  maxAgeMs: number;
}

export const DEFAULT_REMOTE_KEY_SET_OPTIONS: RemoteKeySetOptions = {
  timeoutMs: 5_000,
  cooldownMs: 30_000,
  maxAgeMs: 10 * 60_000,
};

/**
 * The public keys of registered parties (SMART backend clients, EHRs) fetched from their `jwks_uri`, one
 * cached set per URL (jose's remote JWKS): a `kid` it does not hold triggers a refetch after the cooldown,
 * which is how a rotated key is picked up. Only configured URLs are ever fetched, never one a token names.
 */
export class RemoteKeySets {
  private readonly sets = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly options: RemoteKeySetOptions = DEFAULT_REMOTE_KEY_SET_OPTIONS) {}

  get(jwksUri: string): JWTVerifyGetKey {
    let set = this.sets.get(jwksUri);
    if (!set) {
      const { timeoutMs, cooldownMs, maxAgeMs } = this.options;
      set = createRemoteJWKSet(new URL(jwksUri), {
        timeoutDuration: timeoutMs,
        cooldownDuration: cooldownMs,
        cacheMaxAge: maxAgeMs,
      });
      this.sets.set(jwksUri, set);
    }
    return set;
  }
}
