import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/**
 * `.data/local-smart-client.json`: the local run's SMART backend client, for scripts (`npm run token`
 * reads exactly these fields) and for loading the demo cohort. Made at the first start, then reused,
 * so a token script keeps working across restarts.
 */
export interface LocalSmartClientFile {
  clientId: string;
  /** ES384 private key (kid `k1`). A development key: it only opens the local stack. */
  privateJwk: JWK;
  /** The token endpoint, which is also the `aud` of the client assertion. */
  tokenUrl: string;
  scope: string;
}

export const LOCAL_CLIENT_ID = 'carecircle-local-scripts';
/** Everything the gateway offers a backend client: the demo load posts FHIR and reads the audit trail. */
export const LOCAL_CLIENT_SCOPE = 'system/*.cruds';
const KEY_ID = 'k1';
const ALGORITHM = 'ES384';

/** The client's registration for the gateway's `SMART_CLIENTS`: its public key only. */
export interface SmartClientRegistration {
  clientId: string;
  scope: string;
  jwks: { keys: JWK[] };
}

/** Reads the client file, or makes a new key pair and writes it (owner-only); keeps `tokenUrl` current. */
export async function ensureLocalSmartClient(
  path: string,
  tokenUrl: string,
): Promise<{ file: LocalSmartClientFile; registration: SmartClientRegistration; created: boolean }> {
  const existing = readClientFile(path);
  let file: LocalSmartClientFile;
  if (existing) {
    file = { ...existing, tokenUrl };
  } else {
    const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    file = {
      clientId: LOCAL_CLIENT_ID,
      privateJwk: { ...(await exportJWK(privateKey)), kid: KEY_ID, alg: ALGORITHM },
      tokenUrl,
      scope: LOCAL_CLIENT_SCOPE,
    };
  }
  if (!existing || existing.tokenUrl !== tokenUrl) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  }
  const { d: _private, ...publicJwk } = file.privateJwk;
  return {
    file,
    registration: { clientId: file.clientId, scope: file.scope, jwks: { keys: [publicJwk] } },
    created: !existing,
  };
}

function readClientFile(path: string): LocalSmartClientFile | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalSmartClientFile>;
    const usable =
      typeof parsed.clientId === 'string' &&
      typeof parsed.scope === 'string' &&
      parsed.privateJwk?.kty === 'EC' &&
      typeof parsed.privateJwk.d === 'string';
    return usable ? (parsed as LocalSmartClientFile) : undefined;
  } catch {
    return undefined; // absent or unreadable: make a new one
  }
}

/**
 * Access tokens for the client (client_credentials with a private_key_jwt assertion), each reused
 * until shortly before it expires. `postTo` is where the token endpoint answers locally; the
 * assertion's audience stays the configured `tokenUrl`. `resource` (RFC 8707) names the service a token
 * is for (`carecircle-scheduling`…): each service accepts only its own; none means the gateway.
 */
export function localTokenSource(
  file: LocalSmartClientFile,
  postTo: string = file.tokenUrl,
): (resource?: string) => Promise<string> {
  const cache = new Map<string, { token: string; renewAt: number }>();
  return async (resource) => {
    const cached = cache.get(resource ?? '');
    if (cached && Date.now() < cached.renewAt) return cached.token;
    const key = await importJWK(file.privateJwk, ALGORITHM);
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: ALGORITHM, kid: file.privateJwk.kid ?? KEY_ID })
      .setIssuer(file.clientId)
      .setSubject(file.clientId)
      .setAudience(file.tokenUrl)
      .setJti(randomUUID())
      .setExpirationTime('2m')
      .sign(key);
    const response = await fetch(postTo, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: file.scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: assertion,
        ...(resource ? { resource } : {}),
      }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      expires_in?: number;
      error?: string;
    };
    if (response.status !== 200 || !body.access_token)
      throw new Error(`the token endpoint answered ${response.status}${body.error ? ` (${body.error})` : ''}`);
    cache.set(resource ?? '', {
      token: body.access_token,
      renewAt: Date.now() + Math.max(10, (body.expires_in ?? 60) - 30) * 1000,
    });
    return body.access_token;
  };
}
