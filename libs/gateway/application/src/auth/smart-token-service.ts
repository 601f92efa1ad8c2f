import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  type CryptoKey,
} from 'jose';
import type { Clock } from '@carecircle/shared-kernel';
import { VerifiedTokenCache } from '@carecircle/platform/access';
import { RemoteKeySets } from './remote-key-sets';
import { narrowScopes, type Principal } from './smart-scopes';

/**
 * A backend client registered by an administrator (configuration): its public keys, inline (`jwks`) or
 * where it publishes them (`jwksUri`, fetched and cached, so that it can rotate them), and the scopes it may get.
 */
export type RegisteredClient = { clientId: string; scope: string } & (
  { jwks: JSONWebKeySet; jwksUri?: undefined } | { jwksUri: string; jwks?: undefined }
);

/** The verification keys of a registration: its inline JWKS, or the cached fetch of its `jwksUri`. */
export function keysOf(
  registered: { jwks?: JSONWebKeySet | undefined; jwksUri?: string | undefined },
  remote: RemoteKeySets,
): JWTVerifyGetKey {
  if (registered.jwks) return createLocalJWKSet(registered.jwks);
  if (registered.jwksUri) return remote.get(registered.jwksUri);
  throw new Error('A registration needs jwks or jwksUri');
}

export interface SmartTokenServiceOptions {
  clients: readonly RegisteredClient[];
  /** The token endpoint's absolute URL: the `aud` client assertions must carry. */
  tokenUrl: string;
  /** Issuer of the access tokens. */
  issuer: string;
  accessTokenTtlSeconds: number;
  clock: Clock;
  /** The access-token signing key (a private ES384 JWK), the same on every replica; generated per process when absent. */
  signingKey?: JWK;
  /**
   * Public ES384 keys published and accepted beside the signing key's, for a rotation without refusals:
   * the next key before replicas switch to it, the previous one until its tokens have expired.
   */
  rotationKeys?: readonly JWK[];
  /** Where used assertion ids are kept: shared by the replicas, so that an assertion works once anywhere. */
  usedAssertions: UsedAssertions;
  /**
   * The audiences of the services behind the gateway (`carecircle-<service>`): a token request may name
   * one as its `resource` (RFC 8707) and gets a token that only that service accepts.
   */
  serviceAudiences?: readonly string[];
  /** Where the keys of clients registered by `jwksUri` are fetched and cached. */
  remoteKeys?: RemoteKeySets;
}

/** Who an internal token speaks for: a person (role) or an integration client (scope). */
export type InternalSubject = { sub: string; role: string } | { sub: string; scope: string };

/** Internal tokens live a minute: long enough for one call through the gateway, too short to be worth stealing. */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;

/** Remembers client assertions until they expire: `true` on first use, `false` on a replay. */
export interface UsedAssertions {
  useOnce(assertionKey: string, expiresAt: Date): Promise<boolean>;
}

export class SigningKeyError extends Error {
  override readonly name = 'SigningKeyError';
}

export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_scope'
      | 'unsupported_grant_type'
      | 'invalid_target'
      | 'invalid_grant',
    readonly description: string,
  ) {
    super(description);
  }
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_MS = 5 * 60_000;
export const CLIENT_ASSERTION_ALGORITHMS = ['RS384', 'ES384'];

/**
 * SMART Backend Services: client_credentials with a private_key_jwt assertion (RS384/ES384) checked
 * against the client's registered JWKS; answers a short-lived ES384 access token carrying the granted
 * scopes. Assertion ids (`jti`) are remembered until they expire, so an assertion works once.
 */
export class SmartTokenService {
  private readonly remoteKeys: RemoteKeySets;
  /** What `/.well-known/jwks.json` publishes: the signing key's public part first, then the rotation keys. */
  readonly publishedKeys: readonly JWK[];
  private readonly verifyKeys: JWTVerifyGetKey;
  /** An EHR presents one access token for its lifetime, up to hundreds of times a second. */
  private readonly verified = new VerifiedTokenCache<Principal>();

  private constructor(
    private readonly options: SmartTokenServiceOptions,
    private readonly signingKey: CryptoKey,
    readonly publicJwk: JWK,
  ) {
    this.remoteKeys = options.remoteKeys ?? new RemoteKeySets();
    this.publishedKeys = [publicJwk, ...rotationKeysBeside(publicJwk, options.rotationKeys ?? [])];
    this.verifyKeys = createLocalJWKSet({ keys: [...this.publishedKeys] });
  }

  static async create(options: SmartTokenServiceOptions): Promise<SmartTokenService> {
    if (!options.signingKey) {
      const { privateKey, publicKey } = await generateKeyPair('ES384');
      const exported = await exportJWK(publicKey);
      // A new key per process, so a new kid: verifiers that cached another JWKS refetch instead of failing.
      const publicJwk = { ...exported, alg: 'ES384', use: 'sig', kid: await calculateJwkThumbprint(exported) };
      return new SmartTokenService(options, privateKey, publicJwk);
    }
    const { d, kty, crv, x, y } = options.signingKey;
    if (kty !== 'EC' || crv !== 'P-384' || !d || !x || !y)
      throw new SigningKeyError('The signing key must be a private EC P-384 JWK (ES384)');
    const publicPart = { kty, crv, x, y };
    // The kid follows the key, so that a rotated key is told apart by verifiers that cache JWKS.
    const publicJwk = {
      ...publicPart,
      alg: 'ES384',
      use: 'sig',
      kid: options.signingKey.kid ?? (await calculateJwkThumbprint(publicPart)),
    };
    const privateKey = await importJWK({ ...publicPart, d }, 'ES384');
    return new SmartTokenService(options, privateKey as CryptoKey, publicJwk);
  }

  async issue(
    form: Record<string, string | undefined>,
  ): Promise<{ access_token: string; token_type: 'bearer'; expires_in: number; scope: string }> {
    if (form['grant_type'] !== 'client_credentials')
      throw new TokenRequestError('unsupported_grant_type', 'grant_type must be client_credentials');
    if (form['client_assertion_type'] !== ASSERTION_TYPE)
      throw new TokenRequestError('invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
    const assertion = form['client_assertion'];
    if (!assertion) throw new TokenRequestError('invalid_request', 'client_assertion is required');
    const audience = this.audienceOf(form['resource']);
    const client = await this.authenticate(assertion);
    const scope = narrowScopes(form['scope'] ?? '', client.scope);
    if (!scope) throw new TokenRequestError('invalid_scope', 'None of the requested scopes is granted to this client');
    const accessToken = await this.sign(
      { scope, client_id: client.clientId },
      client.clientId,
      audience,
      this.options.accessTokenTtlSeconds,
    );
    return { access_token: accessToken, token_type: 'bearer', expires_in: this.options.accessTokenTtlSeconds, scope };
  }

  /**
   * A short-lived token for one service behind the gateway, on behalf of a person or client the gateway
   * has already authenticated (the console's and CDS Hooks' calls, and token exchange). Same issuer and
   * key as the SMART tokens; only the named service accepts it.
   */
  async mintForService(
    audience: string,
    subject: InternalSubject,
    notAfter?: Date,
  ): Promise<{ token: string; expiresIn: number }> {
    if (!this.options.serviceAudiences?.includes(audience))
      throw new TokenRequestError('invalid_target', 'resource must name a CareCircle service');
    const now = this.options.clock.now().getTime();
    // Never outlive the token it was exchanged for.
    const expiresIn = Math.max(
      1,
      Math.min(INTERNAL_TOKEN_TTL_SECONDS, Math.floor(((notAfter?.getTime() ?? Infinity) - now) / 1000)),
    );
    const claims = 'role' in subject ? { carecircle_role: subject.role } : { scope: subject.scope };
    return {
      token: await this.sign({ ...claims, act: { sub: 'carecircle-gateway' } }, subject.sub, audience, expiresIn),
      expiresIn,
    };
  }

  private audienceOf(resource: string | undefined): string {
    if (resource === undefined) return this.options.issuer;
    if (!this.options.serviceAudiences?.includes(resource))
      throw new TokenRequestError('invalid_target', 'resource must name a CareCircle service');
    return resource;
  }

  private sign(
    claims: Record<string, unknown>,
    subject: string,
    audience: string,
    ttlSeconds: number,
  ): Promise<string> {
    const now = Math.floor(this.options.clock.now().getTime() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES384', kid: this.publicJwk.kid })
      .setIssuer(this.options.issuer)
      .setSubject(subject)
      .setAudience(audience)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.signingKey);
  }

  /** The principal of a valid access token, or undefined (expired, forged, other issuer). */
  async verify(accessToken: string): Promise<Principal | undefined> {
    const nowMs = this.options.clock.now().getTime();
    const known = this.verified.get(accessToken, nowMs);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(accessToken, this.verifyKeys, {
        issuer: this.options.issuer,
        audience: this.options.issuer,
        algorithms: ['ES384'],
        currentDate: this.options.clock.now(),
      });
      if (typeof payload.sub !== 'string' || typeof payload['scope'] !== 'string') return undefined;
      const principal = { clientId: payload.sub, scope: payload['scope'] };
      this.verified.set(accessToken, principal, Number(payload.exp), nowMs);
      return principal;
    } catch {
      return undefined;
    }
  }

  private async authenticate(assertion: string): Promise<RegisteredClient> {
    const unverified = decodeIssuer(assertion);
    const client = this.options.clients.find((candidate) => candidate.clientId === unverified);
    if (!client) throw new TokenRequestError('invalid_client', 'Unknown client');
    let expiresAtMs: number;
    let jti: string;
    try {
      // A client's JWKS that cannot be fetched fails its assertion too (jose does not cache a failed fetch).
      const { payload } = await jwtVerify(assertion, keysOf(client, this.remoteKeys), {
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.options.tokenUrl,
        algorithms: CLIENT_ASSERTION_ALGORITHMS,
        currentDate: this.options.clock.now(),
        requiredClaims: ['jti', 'exp'],
      });
      expiresAtMs = (payload.exp ?? 0) * 1000;
      jti = String(payload.jti);
    } catch {
      throw new TokenRequestError('invalid_client', 'The client assertion is not valid for this client');
    }
    // SMART: the assertion's exp is at most five minutes in the future.
    if (expiresAtMs > this.options.clock.now().getTime() + MAX_ASSERTION_LIFETIME_MS)
      throw new TokenRequestError('invalid_client', 'The client assertion lives too long');
    // Outside the try: a database failure is a 500, not the client's fault.
    if (!(await this.options.usedAssertions.useOnce(`${client.clientId}:${jti}`, new Date(expiresAtMs)))) {
      throw new TokenRequestError('invalid_client', 'The client assertion was already used');
    }
    return client;
  }
}

/** Rotation keys as published: public EC P-384 parts with their own kid, never a private part, never the signing key twice. */
function rotationKeysBeside(signing: JWK, rotation: readonly JWK[]): JWK[] {
  return rotation.map(({ kty, crv, x, y, kid, d }) => {
    if (kty !== 'EC' || crv !== 'P-384' || !x || !y || !kid || d !== undefined)
      throw new SigningKeyError('A rotation key must be a public EC P-384 JWK with a kid');
    if (kid === signing.kid)
      throw new SigningKeyError('A rotation key must have a kid of its own, not the signing key’s');
    return { kty, crv, x, y, kid, alg: 'ES384', use: 'sig' };
  });
}

function decodeIssuer(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}
