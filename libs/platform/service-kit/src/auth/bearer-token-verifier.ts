import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { VerifiedTokenCache } from '@carecircle/platform/access';
import type { Caller } from './caller';
import type { TrustedIssuer } from './trusted-issuers';

/** Claim carrying a person's CareCircle role (the gateway's issuers and a configured OIDC issuer set it). */
export const ROLE_CLAIM = 'carecircle_role';

export type Verification = { ok: true; caller: Caller } | { ok: false; reason: string };

/**
 * Verifies JWT access tokens against the trusted issuers: signature from the issuer's JWKS (fetched
 * once, cached, refetched on an unknown `kid`), `iss`, `aud` naming this service, `exp`/`nbf`. A token
 * minted for another service is refused here.
 * Reasons are fixed texts: they never quote the token or its claims.
 */
export class BearerTokenVerifier {
  private readonly keySets = new Map<string, JWTVerifyGetKey>();
  /** The gateway forwards one caller's token with each request it proxies: one ES384 check per token. */
  private readonly verified = new VerifiedTokenCache<Caller>();

  constructor(
    private readonly issuers: readonly TrustedIssuer[],
    /** The `aud` every token must carry: the service's own (`carecircle-<service>`). */
    private readonly audience: string,
  ) {}

  async verify(token: string): Promise<Verification> {
    const known = this.verified.get(token, Date.now());
    if (known) return { ok: true, caller: known };
    let claimedIssuer: unknown;
    try {
      claimedIssuer = decodeJwt(token).iss;
    } catch {
      return { ok: false, reason: 'The bearer token is not a JWT' };
    }
    const trusted = this.issuers.find((candidate) => candidate.issuer === claimedIssuer);
    if (!trusted) return { ok: false, reason: 'The bearer token is not from a trusted issuer' };
    try {
      const { payload } = await jwtVerify(token, this.keySet(trusted), {
        issuer: trusted.issuer,
        audience: this.audience,
        requiredClaims: ['sub', 'exp'],
      });
      const role = payload[ROLE_CLAIM];
      const scope = payload['scope'];
      const caller: Caller = {
        sub: String(payload.sub),
        issuer: trusted.issuer,
        ...(typeof role === 'string' ? { role } : {}),
        ...(typeof scope === 'string' ? { scope } : {}),
      };
      this.verified.set(token, caller, Number(payload.exp), Date.now());
      return { ok: true, caller };
    } catch (error) {
      return { ok: false, reason: reasonOf(error) };
    }
  }

  private keySet(trusted: TrustedIssuer): JWTVerifyGetKey {
    let keySet = this.keySets.get(trusted.issuer);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(trusted.jwksUri), { cacheMaxAge: 10 * 60_000, cooldownDuration: 30_000 });
      this.keySets.set(trusted.issuer, keySet);
    }
    return keySet;
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The bearer token has expired';
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud')
    return 'The bearer token is not meant for this service';
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid)
    return 'The issuer’s keys could not be fetched';
  return 'The bearer token is not valid';
}
