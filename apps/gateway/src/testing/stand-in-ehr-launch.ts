import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';

/** The person the stand-in signs in without asking (synthetic): their subject, name, practitioner and extra claims (roles, groups). */
export interface StandInUser {
  sub: string;
  name: string;
  /** Relative FHIR reference; the ID token names it absolutely, under the FHIR base. */
  practitioner?: string;
  claims?: Record<string, unknown>;
}

/** What the tests look at: each authorization request and token grant as received, and each sign-out. */
export interface StandInRecord {
  authorizations: URLSearchParams[];
  grants: { grantType: string; status: number }[];
  signOuts: URLSearchParams[];
  requests: number;
}

const CODE_TTL_MS = 60_000;

type Issuer = 'oidc' | 'fhir';
interface Grant {
  issuer: Issuer;
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  scope: string;
  patient?: string;
  sid: string;
  expiresAt: number;
}

/**
 * A stand-in EHR for the console's browser tests, a real HTTP server with keys of its own (RS256):
 * - `/oidc`: a plain OpenID Connect provider (discovery, authorization code + PKCE S256 only, refresh,
 *   revocation, RP-initiated logout), its access tokens issued for `carecircle-gateway`;
 * - `/fhir`: a FHIR server that is its own SMART authorization server (`.well-known/smart-configuration`,
 *   `launch` and `launch/patient`, `patient` in the token response) with a synthetic Patient;
 * - `/ehr/launch?patient=…&app=…`: the EHR user opening the app: a launch context, then the app's launch URL.
 * Every authorization is approved at once for `user`. Public clients and their exact redirect URIs are registered.
 */
export class StandInEhrLaunch {
  readonly record: StandInRecord = { authorizations: [], grants: [], signOuts: [], requests: 0 };
  /** Lifetime of the access and ID tokens it issues; short ones make the console refresh soon. */
  tokenTtlSeconds = 3600;
  user: StandInUser = { sub: 'ehr-user-0001', name: 'Synthetic EHR user' };
  /** The patient standalone launch picks (a patient picker would ask). */
  standalonePatient = 'ehr-synthetic-patient-0001';
  private readonly clients = new Map<string, string>();
  private allowedOrigin = '';
  private readonly launches = new Map<string, string>();
  private readonly codes = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly endedSessions = new Set<string>();

  private constructor(
    private readonly server: Server,
    readonly base: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    private readonly publicKey: CryptoKey,
  ) {}

  static async start(): Promise<StandInEhrLaunch> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const publicJwk = {
      ...(await exportJWK(publicKey)),
      kid: `stand-in-${randomUUID().slice(0, 8)}`,
      alg: 'RS256',
      use: 'sig',
    };
    const started: { ehr?: StandInEhrLaunch } = {};
    const server = createServer((request, response) => {
      if (!started.ehr) return void response.writeHead(503).end();
      started.ehr.handle(request, response).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    started.ehr = new StandInEhrLaunch(server, `http://127.0.0.1:${port}`, privateKey, publicJwk, publicKey);
    return started.ehr;
  }

  /** The OpenID Connect issuer (`/oidc`) and the FHIR base, which is also the SMART issuer (`/fhir`). */
  get oidcIssuer(): string {
    return `${this.base}/oidc`;
  }

  get fhirBase(): string {
    return `${this.base}/fhir`;
  }

  /** A public client and its one redirect URI; `origin` is the app allowed to call from the browser (CORS). */
  registerClient(clientId: string, redirectUri: string): void {
    this.clients.set(clientId, redirectUri);
    this.allowedOrigin = new URL(redirectUri).origin;
  }

  /** Where the EHR user's click on the app goes: it makes a launch context for `patient` and sends the browser to `appLaunchUrl`. */
  launchUrl(patient: string, appLaunchUrl: string): string {
    return `${this.base}/ehr/launch?${new URLSearchParams({ patient, app: appLaunchUrl })}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.record.requests += 1;
    const url = new URL(request.url ?? '/', this.base);
    if (this.allowedOrigin) response.setHeader('Access-Control-Allow-Origin', this.allowedOrigin);
    if (request.method === 'OPTIONS') {
      response
        .writeHead(204, {
          'Access-Control-Allow-Methods': 'GET, POST',
          'Access-Control-Allow-Headers': 'authorization, content-type, accept, dpop',
        })
        .end();
      return;
    }
    const [, first, ...rest] = url.pathname.split('/');
    const path = rest.join('/');
    if (first === 'ehr' && path === 'launch') return this.ehrLaunch(url, response);
    if (first !== 'oidc' && first !== 'fhir') return json(response, 404, { error: 'not_found' });
    const issuer: Issuer = first;
    if (request.method === 'GET' && path === '.well-known/openid-configuration')
      return json(response, 200, this.discovery(issuer));
    if (request.method === 'GET' && issuer === 'fhir' && path === '.well-known/smart-configuration')
      return json(response, 200, this.smartConfiguration());
    if (request.method === 'GET' && path === 'jwks') return json(response, 200, { keys: [this.publicJwk] });
    if (request.method === 'GET' && path === 'authorize') return this.authorize(issuer, url, response);
    if (request.method === 'POST' && path === 'token')
      return this.token(issuer, new URLSearchParams(await body(request)), response);
    if (request.method === 'POST' && path === 'revoke') {
      this.refreshTokens.delete(new URLSearchParams(await body(request)).get('token') ?? '');
      return json(response, 200, {});
    }
    if (request.method === 'GET' && path === 'logout') return this.logout(url, response);
    if (request.method === 'GET' && issuer === 'fhir' && path.startsWith('Patient/'))
      return this.patient(issuer, path.slice('Patient/'.length), request, response);
    return json(response, 404, { error: 'not_found' });
  }

  private issuerUrl(issuer: Issuer): string {
    return issuer === 'oidc' ? this.oidcIssuer : this.fhirBase;
  }

  private discovery(issuer: Issuer) {
    const at = this.issuerUrl(issuer);
    return {
      issuer: at,
      authorization_endpoint: `${at}/authorize`,
      token_endpoint: `${at}/token`,
      revocation_endpoint: `${at}/revoke`,
      end_session_endpoint: `${at}/logout`,
      jwks_uri: `${at}/jwks`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'profile', 'offline_access', 'fhirUser', 'launch', 'launch/patient'],
    };
  }

  private smartConfiguration() {
    const {
      issuer,
      authorization_endpoint,
      token_endpoint,
      revocation_endpoint,
      jwks_uri,
      grant_types_supported,
      code_challenge_methods_supported,
      scopes_supported,
    } = this.discovery('fhir');
    return {
      issuer,
      jwks_uri,
      authorization_endpoint,
      token_endpoint,
      revocation_endpoint,
      grant_types_supported,
      code_challenge_methods_supported,
      scopes_supported,
      token_endpoint_auth_methods_supported: ['none'],
      response_types_supported: ['code'],
      capabilities: [
        'launch-ehr',
        'launch-standalone',
        'client-public',
        'sso-openid-connect',
        'context-ehr-patient',
        'context-standalone-patient',
        'permission-v2',
      ],
    };
  }

  private ehrLaunch(url: URL, response: ServerResponse): void {
    const patient = url.searchParams.get('patient');
    const app = url.searchParams.get('app');
    if (!patient || !app) return json(response, 400, { error: 'patient and app are required' });
    const launch = randomUUID();
    this.launches.set(launch, patient);
    redirect(response, `${app}?${new URLSearchParams({ iss: this.fhirBase, launch })}`);
  }

  /** Approves at once, after the checks a real server makes: known client, exact redirect URI, PKCE S256, SMART audience and launch. */
  private authorize(issuer: Issuer, url: URL, response: ServerResponse): void {
    const params = url.searchParams;
    this.record.authorizations.push(params);
    const clientId = params.get('client_id') ?? '';
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!this.clients.has(clientId) || this.clients.get(clientId) !== redirectUri)
      return json(response, 400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' });
    const back = (extra: Record<string, string>) =>
      redirect(
        response,
        `${redirectUri}?${new URLSearchParams({ ...extra, ...(params.get('state') ? { state: params.get('state')! } : {}) })}`,
      );
    const scope = params.get('scope') ?? '';
    const scopes = scope.split(' ');
    const challenge = params.get('code_challenge');
    if (params.get('response_type') !== 'code' || params.get('code_challenge_method') !== 'S256' || !challenge)
      return back({ error: 'invalid_request', error_description: 'authorization code with PKCE S256 only' });
    let patient: string | undefined;
    if (issuer === 'fhir') {
      if (params.get('aud') !== this.fhirBase)
        return back({ error: 'invalid_request', error_description: 'aud must be this FHIR server' });
      const launch = params.get('launch');
      if (launch) {
        patient = this.launches.get(launch);
        if (!patient || !scopes.includes('launch'))
          return back({ error: 'invalid_request', error_description: 'unknown launch' });
      } else if (scopes.includes('launch/patient')) {
        patient = this.standalonePatient;
      }
    }
    const code = randomBytes(24).toString('base64url');
    const nonce = params.get('nonce');
    this.codes.set(code, {
      issuer,
      clientId,
      redirectUri,
      challenge,
      scope,
      sid: randomUUID(),
      expiresAt: Date.now() + CODE_TTL_MS,
      ...(nonce ? { nonce } : {}),
      ...(patient ? { patient } : {}),
    });
    back({ code });
  }

  private async token(issuer: Issuer, form: URLSearchParams, response: ServerResponse): Promise<void> {
    const grantType = form.get('grant_type') ?? '';
    const refuse = (error: string) => {
      this.record.grants.push({ grantType, status: 400 });
      json(response, 400, { error });
    };
    let grant: Grant | undefined;
    let nonce: string | undefined;
    if (grantType === 'authorization_code') {
      grant = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (!grant || grant.issuer !== issuer || grant.expiresAt < Date.now()) return refuse('invalid_grant');
      if (grant.clientId !== form.get('client_id') || grant.redirectUri !== form.get('redirect_uri'))
        return refuse('invalid_grant');
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return refuse('invalid_grant');
      nonce = grant.nonce;
    } else if (grantType === 'refresh_token') {
      grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
      this.refreshTokens.delete(form.get('refresh_token') ?? ''); // rotated: each refresh token works once
      if (
        !grant ||
        grant.issuer !== issuer ||
        grant.clientId !== form.get('client_id') ||
        this.endedSessions.has(grant.sid)
      )
        return refuse('invalid_grant');
    } else {
      return refuse('unsupported_grant_type');
    }
    const refreshToken = randomBytes(24).toString('base64url');
    this.refreshTokens.set(refreshToken, grant);
    this.record.grants.push({ grantType, status: 200 });
    const issuerUrl = this.issuerUrl(issuer);
    const fhirUser = this.user.practitioner ? { fhirUser: `${this.fhirBase}/${this.user.practitioner}` } : {};
    json(response, 200, {
      token_type: 'Bearer',
      expires_in: this.tokenTtlSeconds,
      scope: grant.scope,
      refresh_token: refreshToken,
      access_token: await this.sign(
        { ...this.user.claims, ...fhirUser, scope: grant.scope, sid: grant.sid },
        issuerUrl,
        issuer === 'oidc' ? 'carecircle-gateway' : this.fhirBase,
      ),
      id_token: await this.sign(
        { ...this.user.claims, ...fhirUser, name: this.user.name, sid: grant.sid, ...(nonce ? { nonce } : {}) },
        issuerUrl,
        grant.clientId,
      ),
      ...(grant.patient ? { patient: grant.patient } : {}),
    });
  }

  /** RP-initiated logout: the session's refresh tokens stop working; back to a registered post-logout URI only. */
  private async logout(url: URL, response: ServerResponse): Promise<void> {
    this.record.signOuts.push(url.searchParams);
    const hint = url.searchParams.get('id_token_hint');
    if (hint) {
      const { payload } = await jwtVerify(hint, this.publicKey, { currentDate: new Date(0) }).catch(() => ({
        payload: {} as Record<string, unknown>,
      }));
      if (typeof payload['sid'] === 'string') this.endedSessions.add(payload['sid']);
    }
    const back = url.searchParams.get('post_logout_redirect_uri');
    if (back && [...this.clients.values()].includes(back)) return redirect(response, back);
    response.writeHead(200, { 'content-type': 'text/plain' }).end('Signed out');
  }

  private async patient(issuer: Issuer, id: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const valid = token
      ? await jwtVerify(token, this.publicKey, { issuer: this.issuerUrl(issuer), audience: this.fhirBase }).catch(
          () => undefined,
        )
      : undefined;
    if (!valid)
      return json(response, 401, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'login' }] });
    json(response, 200, {
      resourceType: 'Patient',
      id,
      name: [{ family: 'Synthetic', given: ['Launch'] }],
      birthDate: '1970-01-01',
    });
  }

  /** A token as this server signs them (for tests of who else accepts them). */
  sign(claims: Record<string, unknown>, issuer: string, audience: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid! })
      .setIssuer(issuer)
      .setSubject(this.user.sub)
      .setAudience(audience)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + this.tokenTtlSeconds)
      .sign(this.privateKey);
  }
}

function json(response: ServerResponse, status: number, value: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
    .end(JSON.stringify(value));
}

function redirect(response: ServerResponse, location: string): void {
  response.writeHead(302, { location }).end();
}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > 65_536) request.destroy(new Error('body too large'));
    });
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}
