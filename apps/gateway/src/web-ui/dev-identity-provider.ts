import { randomUUID } from 'node:crypto';
import {
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JWK,
} from 'jose';
import { isHumanRole, ROLE_CLAIM, type HumanRole } from '../auth/human-roles';

export { HUMAN_ROLES, ROLE_CLAIM, type HumanRole } from '../auth/human-roles';

export interface DemoUser {
  username: string;
  /** Pseudonymous staff id, as the services' events name them. */
  sub: string;
  name: string;
  role: HumanRole;
}

/** Synthetic demo users; their ids match the contract fixtures' facilitator and psychiatrist. */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    username: 'facilitator',
    sub: 'fac_synthetic_sw_01',
    name: 'Demo facilitator (social worker)',
    role: 'facilitator',
  },
  { username: 'clinician', sub: 'clin_synthetic_psy_01', name: 'Demo attending psychiatrist', role: 'clinician' },
  { username: 'lead', sub: 'lead_synthetic_01', name: 'Demo programme lead', role: 'programme-lead' },
  { username: 'admin', sub: 'adm_synthetic_01', name: 'Demo administrator (audit trail)', role: 'admin' },
];

const TOKEN_TTL_SECONDS = 3600;

/**
 * A development-only OpenID Connect issuer for the local run (`GATEWAY_DEV_IDP=true`): password-less
 * sign-in as one of the demo users, ES256 ID and access tokens signed by a key made at start-up.
 * Never enabled by default: anyone reaching it can sign in as anyone.
 */
export class DevIdentityProvider {
  /**
   * Signed-out sessions (`sid`) until their tokens expire. In memory is enough: the signing key is made per
   * process too, so no other process or restart accepts these tokens anyway.
   */
  private readonly signedOut = new Map<string, number>();

  private constructor(
    readonly issuer: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly publicJwk: JWK,
  ) {}

  static async create(issuer: string): Promise<DevIdentityProvider> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const exported = await exportJWK(publicKey);
    // A new key per start, so a new kid: services that cached the old JWKS fetch the new one instead of failing.
    const publicJwk = {
      ...exported,
      alg: 'ES256',
      use: 'sig',
      kid: `dev-idp-${(await calculateJwkThumbprint(exported)).slice(0, 16)}`,
    };
    return new DevIdentityProvider(issuer, privateKey, publicKey, publicJwk);
  }

  discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${this.issuer}/jwks`,
      token_endpoint: `${this.issuer}/token`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      claims_supported: ['sub', 'name', ROLE_CLAIM],
    };
  }

  async signIn(
    username: string,
    now: Date,
  ): Promise<{ id_token: string; access_token: string; token_type: 'Bearer'; expires_in: number } | undefined> {
    const user = DEMO_USERS.find((candidate) => candidate.username === username);
    if (!user) return undefined;
    const iat = Math.floor(now.getTime() / 1000);
    const sid = randomUUID();
    const sign = (claims: Record<string, unknown>, audience: string) =>
      new SignJWT({ ...claims, sid, [ROLE_CLAIM]: user.role })
        .setJti(randomUUID())
        .setProtectedHeader({ alg: 'ES256', kid: this.publicJwk.kid })
        .setIssuer(this.issuer)
        .setSubject(user.sub)
        .setAudience(audience)
        .setIssuedAt(iat)
        .setExpirationTime(iat + TOKEN_TTL_SECONDS)
        .sign(this.privateKey);
    return {
      id_token: await sign({ name: user.name }, 'carecircle-web'),
      access_token: await sign({ scope: 'openid timeline.read' }, 'carecircle-gateway'),
      token_type: 'Bearer',
      expires_in: TOKEN_TTL_SECONDS,
    };
  }

  /**
   * Sign-out: every token of the access token's session is refused from now on (the live timeline stream
   * re-checks its token and closes). False when the token is not a valid one of this issuer.
   */
  async signOut(accessToken: string, now: Date): Promise<boolean> {
    if (!(await this.verify(accessToken, now))) return false;
    const { sid, exp } = decodeJwt(accessToken);
    if (typeof sid !== 'string' || typeof exp !== 'number') return false;
    for (const [session, until] of this.signedOut) if (until * 1000 <= now.getTime()) this.signedOut.delete(session);
    this.signedOut.set(sid, exp);
    return true;
  }

  /** The user of a valid access token from this issuer whose session is not signed out, or undefined. */
  async verify(accessToken: string, now: Date): Promise<{ sub: string; role: HumanRole } | undefined> {
    try {
      const { payload } = await jwtVerify(accessToken, this.publicKey, {
        issuer: this.issuer,
        audience: 'carecircle-gateway',
        algorithms: ['ES256'],
        currentDate: now,
      });
      if (typeof payload['sid'] !== 'string' || this.signedOut.has(payload['sid'])) return undefined;
      const role = payload[ROLE_CLAIM];
      return typeof payload.sub === 'string' && isHumanRole(role) ? { sub: payload.sub, role } : undefined;
    } catch {
      return undefined;
    }
  }
}
