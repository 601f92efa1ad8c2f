import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JSONWebKeySet, type JWK, type CryptoKey } from 'jose';
import type { Clock } from '@carecircle/shared-kernel';
import { narrowScopes, type Principal } from './smart-scopes';

/** A backend client registered by an administrator (configuration): its public keys and the scopes it may get. */
export interface RegisteredClient {
  clientId: string;
  jwks: JSONWebKeySet;
  scope: string;
}

export interface SmartTokenServiceOptions {
  clients: readonly RegisteredClient[];
  /** The token endpoint's absolute URL: the `aud` client assertions must carry. */
  tokenUrl: string;
  /** Issuer of the access tokens. */
  issuer: string;
  accessTokenTtlSeconds: number;
  clock: Clock;
}

export class TokenRequestError extends Error {
  override readonly name = 'TokenRequestError';
  constructor(
    readonly error: 'invalid_request' | 'invalid_client' | 'invalid_scope' | 'unsupported_grant_type',
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
  private readonly seenAssertions = new Map<string, number>();

  private constructor(
    private readonly options: SmartTokenServiceOptions,
    private readonly signingKey: CryptoKey,
    private readonly verifyKey: CryptoKey,
    readonly publicJwk: JWK,
  ) {}

  static async create(options: SmartTokenServiceOptions): Promise<SmartTokenService> {
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    const publicJwk = { ...(await exportJWK(publicKey)), alg: 'ES384', use: 'sig', kid: 'gateway-1' };
    return new SmartTokenService(options, privateKey, publicKey, publicJwk);
  }

  async issue(form: Record<string, string | undefined>): Promise<{ access_token: string; token_type: 'bearer'; expires_in: number; scope: string }> {
    if (form['grant_type'] !== 'client_credentials') throw new TokenRequestError('unsupported_grant_type', 'grant_type must be client_credentials');
    if (form['client_assertion_type'] !== ASSERTION_TYPE) throw new TokenRequestError('invalid_request', `client_assertion_type must be ${ASSERTION_TYPE}`);
    const assertion = form['client_assertion'];
    if (!assertion) throw new TokenRequestError('invalid_request', 'client_assertion is required');
    const client = await this.authenticate(assertion);
    const scope = narrowScopes(form['scope'] ?? '', client.scope);
    if (!scope) throw new TokenRequestError('invalid_scope', 'None of the requested scopes is granted to this client');
    const now = Math.floor(this.options.clock.now().getTime() / 1000);
    const accessToken = await new SignJWT({ scope, client_id: client.clientId })
      .setProtectedHeader({ alg: 'ES384', kid: this.publicJwk.kid })
      .setIssuer(this.options.issuer)
      .setSubject(client.clientId)
      .setAudience(this.options.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + this.options.accessTokenTtlSeconds)
      .sign(this.signingKey);
    return { access_token: accessToken, token_type: 'bearer', expires_in: this.options.accessTokenTtlSeconds, scope };
  }

  /** The principal of a valid access token, or undefined (expired, forged, other issuer). */
  async verify(accessToken: string): Promise<Principal | undefined> {
    try {
      const { payload } = await jwtVerify(accessToken, this.verifyKey, {
        issuer: this.options.issuer,
        audience: this.options.issuer,
        algorithms: ['ES384'],
        currentDate: this.options.clock.now(),
      });
      return typeof payload.sub === 'string' && typeof payload['scope'] === 'string' ? { clientId: payload.sub, scope: payload['scope'] } : undefined;
    } catch {
      return undefined;
    }
  }

  private async authenticate(assertion: string): Promise<RegisteredClient> {
    const unverified = decodeIssuer(assertion);
    const client = this.options.clients.find((candidate) => candidate.clientId === unverified);
    if (!client) throw new TokenRequestError('invalid_client', 'Unknown client');
    try {
      const { payload } = await jwtVerify(assertion, createLocalJWKSet(client.jwks), {
        issuer: client.clientId,
        subject: client.clientId,
        audience: this.options.tokenUrl,
        algorithms: CLIENT_ASSERTION_ALGORITHMS,
        currentDate: this.options.clock.now(),
        requiredClaims: ['jti', 'exp'],
      });
      // SMART: the assertion's exp is at most five minutes in the future.
      if ((payload.exp ?? 0) * 1000 > this.options.clock.now().getTime() + MAX_ASSERTION_LIFETIME_MS) throw new TokenRequestError('invalid_client', 'The client assertion lives too long');
      this.rememberOnce(`${client.clientId}:${String(payload.jti)}`, (payload.exp ?? 0) * 1000);
      return client;
    } catch (error) {
      if (error instanceof TokenRequestError) throw error;
      throw new TokenRequestError('invalid_client', 'The client assertion is not valid for this client');
    }
  }

  private rememberOnce(jti: string, expiresAtMs: number): void {
    const now = this.options.clock.now().getTime();
    for (const [seen, expiry] of this.seenAssertions) if (expiry < now) this.seenAssertions.delete(seen);
    if (this.seenAssertions.has(jti)) throw new TokenRequestError('invalid_client', 'The client assertion was already used');
    this.seenAssertions.set(jti, expiresAtMs);
  }
}

function decodeIssuer(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : undefined;
  } catch {
    return undefined;
  }
}
