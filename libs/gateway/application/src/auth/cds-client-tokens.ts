import { decodeJwt, decodeProtectedHeader, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Clock } from '@carecircle/shared-kernel';
import { RemoteKeySets } from './remote-key-sets';
import { keysOf, type UsedAssertions } from './smart-token-service';

/**
 * An EHR registered as a CDS Hooks client (configuration, `CDS_CLIENTS`): the `iss` of its JWTs, its
 * public keys (inline or its `jwks_uri`), the FHIR servers it may name as `fhirServer` (the only URLs the
 * gateway ever fetches for it) and the CareCircle client and scopes it acts as once authenticated.
 */
export type CdsClient = {
  iss: string;
  /** When set, the JWT's `sub` (the EHR's CDS client id) must be this. */
  sub?: string | undefined;
  fhirServers: readonly string[];
  clientId: string;
  scope: string;
} & ({ jwks: JSONWebKeySet; jwksUri?: undefined } | { jwksUri: string; jwks?: undefined });

/** Asymmetric signatures only (CDS Hooks 2.0 names ES384 and RS384): never `none`, never a shared secret. */
export const CDS_CLIENT_JWT_ALGORITHMS = [
  'ES384',
  'RS384',
  'ES256',
  'RS256',
  'PS256',
  'PS384',
  'ES512',
  'RS512',
  'PS512',
  'EdDSA',
];
/** Clock difference tolerated between the EHR and the gateway. */
const SKEW_SECONDS = 30;
/** CDS Hooks 2.0: the JWT expires within five minutes. */
const MAX_LIFETIME_SECONDS = 5 * 60;

export type CdsClientVerification = { ok: true; client: CdsClient; expiresAt: Date } | { ok: false; reason: string };

/**
 * CDS Hooks 2.0 "Trusting CDS Clients": the EHR's `Authorization: Bearer <JWT>` on each call, signed by a
 * key of that `iss`'s JWKS selected by `kid`; `aud` the exact CDS service URL invoked; `exp` within five
 * minutes; `iat` not in the future; `jti` used once across replicas (the SMART used-assertion store).
 * A `jku` header is never followed: only the registered JWKS counts.
 */
export class CdsClientTokens {
  constructor(
    private readonly options: {
      clients: readonly CdsClient[];
      clock: Clock;
      usedAssertions: UsedAssertions;
      remoteKeys: RemoteKeySets;
    },
  ) {}

  /** The registered EHR whose `iss` the (not yet verified) token claims, if any: decides which verifier a token goes to. */
  claimedClient(token: string): CdsClient | undefined {
    try {
      const iss = decodeJwt(token).iss;
      return this.options.clients.find((client) => client.iss === iss);
    } catch {
      return undefined;
    }
  }

  async verify(token: string, audience: string): Promise<CdsClientVerification> {
    const client = this.claimedClient(token);
    if (!client) return { ok: false, reason: 'unknown issuer' };
    let kid: unknown;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    if (typeof kid !== 'string' || kid === '') return { ok: false, reason: 'no kid' };
    const now = this.options.clock.now();
    let exp: number;
    let jti: string;
    try {
      const { payload } = await jwtVerify(token, keysOf(client, this.options.remoteKeys), {
        issuer: client.iss,
        audience,
        algorithms: CDS_CLIENT_JWT_ALGORITHMS,
        currentDate: now,
        clockTolerance: SKEW_SECONDS,
        maxTokenAge: MAX_LIFETIME_SECONDS + SKEW_SECONDS,
        requiredClaims: ['iss', 'aud', 'exp', 'iat', 'jti'],
        ...(client.sub ? { subject: client.sub } : {}),
      });
      exp = payload.exp!;
      jti = String(payload.jti);
      if ((payload.iat ?? 0) > now.getTime() / 1000 + SKEW_SECONDS)
        return { ok: false, reason: 'issued in the future' };
    } catch {
      return { ok: false, reason: 'invalid signature or claims' };
    }
    if (exp > now.getTime() / 1000 + MAX_LIFETIME_SECONDS + SKEW_SECONDS)
      return { ok: false, reason: 'lives too long' };
    const expiresAt = new Date(exp * 1000);
    // Outside the try: a database failure is a 500, not the EHR's fault.
    if (
      !(await this.options.usedAssertions.useOnce(
        `cds:${client.iss}:${jti}`,
        new Date(expiresAt.getTime() + SKEW_SECONDS * 1000),
      ))
    )
      return { ok: false, reason: 'replayed' };
    return { ok: true, client, expiresAt };
  }

  /** Whether `url` is one of the FHIR servers this EHR registered (exact, trailing slashes aside): nothing else is fetched. */
  static servesFhir(client: CdsClient, url: string): boolean {
    const normalized = url.replace(/\/+$/, '');
    return client.fhirServers.some((server) => server.replace(/\/+$/, '') === normalized);
  }
}
