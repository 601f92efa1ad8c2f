import { createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import type { HumanIssuer } from './gateway-auth';

const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * The configured issuer's signing keys: from its JWKS URL, or from the `jwks_uri` of its discovery
 * document (`<issuer>/.well-known/openid-configuration`, whose `issuer` must match). Found once and
 * kept; a failed discovery is tried again on the next token.
 */
export class OidcIssuerKeys {
  private keys?: Promise<JWTVerifyGetKey>;

  constructor(private readonly issuer: HumanIssuer) {}

  get(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.resolve().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  private async resolve(): Promise<JWTVerifyGetKey> {
    if (this.issuer.jwksUrl) return createRemoteJWKSet(new URL(this.issuer.jwksUrl));
    const response = await fetch(`${this.issuer.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS),
    });
    const discovery = (response.ok ? await response.json() : {}) as { issuer?: unknown; jwks_uri?: unknown };
    if (discovery.issuer !== this.issuer.issuer || typeof discovery.jwks_uri !== 'string')
      throw new Error('The OIDC issuer’s discovery document does not name this issuer and its jwks_uri');
    return createRemoteJWKSet(new URL(discovery.jwks_uri));
  }
}
