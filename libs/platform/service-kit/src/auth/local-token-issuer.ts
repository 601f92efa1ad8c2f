import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';

export interface LocalTokenIssuer {
  /** `http://127.0.0.1:<port>`, the `iss` of its tokens. */
  issuer: string;
  jwksUri: string;
  /** An ES256 access token for `sub` (claims added as given); `expiresIn` in seconds, negative for an expired one. */
  sign(
    sub: string,
    claims?: JWTPayload,
    options?: { audience?: string; expiresIn?: number; key?: CryptoKey; issuer?: string },
  ): Promise<string>;
  /** How often its JWKS was fetched (the verifier is meant to cache it). */
  jwksFetches(): number;
  stop(): Promise<void>;
}

/**
 * A test's own OpenID Connect issuer over real HTTP: discovery at `/.well-known/openid-configuration`,
 * its public key at `/jwks`, keys made when it starts. Tests only.
 */
export async function startLocalTokenIssuer(): Promise<LocalTokenIssuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'test-issuer-1', alg: 'ES256', use: 'sig' }] };
  let fetches = 0;
  let issuer = '';
  const server = createServer((request, response) => {
    const body =
      request.url === '/jwks'
        ? (fetches++, jwks)
        : request.url === '/.well-known/openid-configuration'
          ? {
              issuer,
              jwks_uri: `${issuer}/jwks`,
              id_token_signing_alg_values_supported: ['ES256'],
              subject_types_supported: ['public'],
              response_types_supported: ['code'],
            }
          : undefined;
    response
      .writeHead(body ? 200 : 404, { 'content-type': 'application/json' })
      .end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    sign: (sub, claims = {}, options = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'test-issuer-1' })
        .setIssuer(options.issuer ?? issuer)
        .setSubject(sub)
        .setAudience(options.audience ?? 'carecircle')
        .setIssuedAt(now - 60)
        .setExpirationTime(now + (options.expiresIn ?? 300))
        .sign(options.key ?? privateKey);
    },
    jwksFetches: () => fetches,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
