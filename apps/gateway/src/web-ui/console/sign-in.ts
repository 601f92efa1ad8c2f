// Sign-in at an OpenID Connect provider or an EHR: authorization code + PKCE (S256) as a public client,
// through panva's oauth4webapi (served by the gateway at /ui/vendor/oauth4webapi.js). SMART App Launch: the
// EHR opens /launch?iss=…&launch=… (the gateway refuses an unregistered iss), or a person starts from an EHR's
// button here (standalone launch). Tokens live in this module and session.ts only; sessionStorage holds the
// PKCE verifier, state and nonce for the redirect round trip, and is emptied when the browser comes back.
import type * as OAuth from 'oauth4webapi';
import { $, el, messageOf, tell } from './dom.js';
import { endSession, setSession, token } from './session.js';

type Kind = 'oidc' | 'smart';
interface Settings {
  redirectUri: string;
  provider?: { issuer: string; clientId: string; scope: string };
  ehrs?: { iss: string; clientId: string; name: string; scope: string }[];
}
interface Pending {
  kind: Kind;
  iss: string;
  verifier: string;
  state: string;
  nonce: string;
}
interface ProviderSession {
  kind: Kind;
  iss: string;
  as: OAuth.AuthorizationServer;
  client: OAuth.Client;
  accessToken?: string;
  idToken?: string;
  refreshToken?: string;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const OAUTH_CLIENT = '/ui/vendor/oauth4webapi.js';
const PENDING = 'cc.signin.pending';
let oauth: typeof OAuth;
let settings: Settings;
let session: ProviderSession | null = null;

function status(text: string, isError = false): void {
  tell('console-status', text, isError);
}

// oauth4webapi insists on https; plain http is let through only to this machine (the local run, tests).
function requestOptions(url: string): Record<symbol, boolean> {
  const options: Record<symbol, boolean> = {};
  const { hostname, protocol } = new URL(url);
  if (protocol === 'http:' && (hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]'))
    options[oauth.allowInsecureRequests] = true;
  return options;
}

function registeredEhr(iss: string | null | undefined) {
  const wanted = String(iss || '').replace(/\/+$/, '');
  return (settings.ehrs || []).find((ehr) => ehr.iss === wanted) ?? null;
}

function ehrOf(iss: string) {
  const ehr = registeredEhr(iss);
  if (!ehr) throw new Error('This EHR is not registered to launch CareCircle.');
  return ehr;
}

// The provider's OpenID configuration, or the EHR's SMART configuration (its `issuer` signs the ID token).
async function discover(kind: Kind, iss: string): Promise<OAuth.AuthorizationServer> {
  if (kind === 'oidc') {
    const issuer = new URL(iss);
    return oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...requestOptions(iss) }),
    );
  }
  const response = await fetch(iss + '/.well-known/smart-configuration', { headers: { Accept: 'application/json' } });
  if (!response.ok) throw new Error('The EHR’s SMART configuration could not be read (' + response.status + ').');
  const smart = (await response.json()) as Record<string, unknown>;
  if (typeof smart['authorization_endpoint'] !== 'string' || typeof smart['token_endpoint'] !== 'string')
    throw new Error('The EHR’s SMART configuration names no authorization and token endpoints.');
  return { ...smart, issuer: (smart['issuer'] as string | undefined) || iss } as OAuth.AuthorizationServer;
}

function providerOf() {
  if (!settings.provider) throw new Error('No sign-in provider is configured.');
  return settings.provider;
}

/** An endpoint the discovery must have named (discover checks the SMART ones; oauth4webapi the OpenID ones). */
function endpoint(value: string | undefined): string {
  if (!value) throw new Error('The provider’s configuration names no such endpoint.');
  return value;
}

function clientOf(kind: Kind, iss: string): OAuth.Client {
  return { client_id: kind === 'oidc' ? providerOf().clientId : ehrOf(iss).clientId };
}

// Step 1: off to the provider, with a fresh PKCE verifier, state and nonce kept for the way back.
async function begin(kind: Kind, iss: string, launch?: string): Promise<void> {
  try {
    const as = await discover(kind, iss);
    const verifier = oauth.generateRandomCodeVerifier();
    const pending: Pending = {
      kind,
      iss,
      verifier,
      state: oauth.generateRandomState(),
      nonce: oauth.generateRandomNonce(),
    };
    const url = new URL(endpoint(as.authorization_endpoint));
    const scope = kind === 'oidc' ? providerOf().scope : ehrOf(iss).scope + (launch ? ' launch' : ' launch/patient');
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: clientOf(kind, iss).client_id,
      redirect_uri: settings.redirectUri,
      scope,
      state: pending.state,
      nonce: pending.nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    };
    // SMART: the FHIR server the token is for, and the EHR's launch context handle.
    if (kind === 'smart') params['aud'] = iss;
    if (launch) params['launch'] = launch;
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    sessionStorage.setItem(PENDING, JSON.stringify(pending));
    location.assign(url.href);
  } catch (error) {
    status('Sign-in could not start: ' + messageOf(error), true);
  }
}

// Step 2: back from the provider with ?code&state: check state, nonce and the ID token, redeem the code.
async function complete(): Promise<void> {
  const returned = new URL(location.href);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null') as Pending | null;
  sessionStorage.removeItem(PENDING);
  // The code is single-use and the URL must not keep it (history, bookmarks).
  history.replaceState(null, '', '/');
  if (!pending) {
    status('No sign-in was in progress in this tab: sign in again.', true);
    return;
  }
  try {
    $('who').textContent = 'Signing in…';
    const as = await discover(pending.kind, pending.iss);
    const client = clientOf(pending.kind, pending.iss);
    const callback = oauth.validateAuthResponse(as, client, returned.searchParams, pending.state);
    const response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      callback,
      settings.redirectUri,
      pending.verifier,
      requestOptions(endpoint(as.token_endpoint)),
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
      expectedNonce: pending.nonce,
      requireIdToken: true,
    });
    const started: ProviderSession = { kind: pending.kind, iss: pending.iss, as, client, timer: undefined };
    session = started;
    if (!(await use(started, tokens))) return;
    if (pending.kind === 'smart') await openLaunchedPatient(started.iss, tokens['patient']);
    else document.dispatchEvent(new CustomEvent('cc:signed-in'));
  } catch (error) {
    forget();
    $('who').textContent = 'Not signed in.';
    status('Sign-in failed: ' + messageOf(error), true);
  }
}

// The gateway takes the provider's access token; after a SMART launch the EHR's ID token (issued to this
// console, verified by the gateway against the registered EHR's keys). The gateway says who that is.
async function use(current: ProviderSession, tokens: OAuth.TokenEndpointResponse): Promise<boolean> {
  const bearer = current.kind === 'oidc' ? tokens.access_token : tokens.id_token;
  if (!bearer) throw new Error('The provider answered without the token CareCircle needs.');
  const me = await fetch('/api/care-console/me', { headers: { Authorization: 'Bearer ' + bearer } });
  if (!me.ok) {
    forget();
    $('who').textContent = 'Not signed in.';
    status(
      me.status === 401 || me.status === 403
        ? 'You signed in, but your account has no CareCircle role here: ask your administrator.'
        : 'Sign-in could not be checked (' + me.status + ').',
      true,
    );
    return false;
  }
  const person = (await me.json()) as { id: string; role: string | null };
  const claims: Record<string, unknown> = oauth.getValidatedIdTokenClaims(tokens) || {};
  current.accessToken = tokens.access_token;
  current.idToken = tokens.id_token || current.idToken;
  current.refreshToken = tokens.refresh_token || current.refreshToken;
  setSession(bearer, (claims['name'] as string | undefined) || person.id, person.role, signOut);
  scheduleRefresh(current, tokens.expires_in);
  return true;
}

// Refresh a minute before expiry (at half-life for short-lived tokens); without a refresh token, the
// session simply ends at expiry and the console asks for a new sign-in.
function scheduleRefresh(current: ProviderSession, expiresIn: unknown): void {
  clearTimeout(current.timer);
  const seconds = Number(expiresIn) > 0 ? Number(expiresIn) : 300;
  const delay = (seconds > 120 ? seconds - 60 : seconds / 2) * 1000;
  current.timer = setTimeout(current.refreshToken ? refresh : expire, delay);
}

async function refresh(): Promise<void> {
  const current = session;
  if (!current?.refreshToken) return;
  const refreshToken = current.refreshToken;
  try {
    const response = await oauth.refreshTokenGrantRequest(
      current.as,
      current.client,
      oauth.None(),
      refreshToken,
      requestOptions(endpoint(current.as.token_endpoint)),
    );
    const tokens = await oauth.processRefreshTokenResponse(current.as, current.client, response);
    if (session !== current) return; // signed out meanwhile
    if (current.kind === 'smart' && !tokens.id_token) throw new Error('no new ID token');
    await use(current, tokens);
  } catch {
    if (session === current) expire();
  }
}

function expire(): void {
  forget();
  endSession();
  status('Your sign-in has expired: sign in again.', true);
}

function forget(): void {
  if (session) clearTimeout(session.timer);
  session = null;
}

// Sign-out (session.ts calls this after clearing the page): drop the tokens, revoke the refresh token
// where the provider offers revocation, and end the provider's session (RP-initiated logout).
async function signOut(): Promise<void> {
  const ended = session;
  forget();
  if (!ended) return;
  if (ended.refreshToken && ended.as.revocation_endpoint) {
    await oauth
      .revocationRequest(
        ended.as,
        ended.client,
        oauth.None(),
        ended.refreshToken,
        requestOptions(ended.as.revocation_endpoint),
      )
      .catch(() => undefined);
  }
  if (ended.as.end_session_endpoint) {
    const url = new URL(ended.as.end_session_endpoint);
    url.searchParams.set('client_id', ended.client.client_id);
    url.searchParams.set('post_logout_redirect_uri', settings.redirectUri);
    if (ended.idToken) url.searchParams.set('id_token_hint', ended.idToken);
    location.assign(url.href);
  }
}

// SMART: the EHR's patient, as the member the gateway knows, opened only if the access policy allows.
async function openLaunchedPatient(iss: string, patient: unknown): Promise<void> {
  if (typeof patient !== 'string') {
    status('The EHR gave no patient context; open a member from your home.');
    document.dispatchEvent(new CustomEvent('cc:signed-in'));
    return;
  }
  const response = await fetch('/api/care-console/launch', {
    method: 'POST',
    headers: { Authorization: 'Bearer ' + token(), 'Content-Type': 'application/json' },
    body: JSON.stringify({ iss, patient }),
  });
  const body = (await response.json().catch(() => ({}))) as { message?: string; memberId?: string };
  if (!response.ok) {
    // Not routed home: the console's routing would clear this message.
    status((body.message || 'The launching patient could not be opened (' + response.status + ')') + '. ', true);
    $('console-status').append(el('a', { href: '#/home' }, ['Open your home']));
    return;
  }
  location.hash = '#/members/' + encodeURIComponent(body.memberId ?? '');
}

function offerSignIn(): void {
  const provider = settings.provider;
  if (provider) {
    $('provider-signin').hidden = false;
    $('provider-signin-button').addEventListener('click', () => begin('oidc', provider.issuer));
  }
  const list = $('ehr-signin');
  for (const ehr of settings.ehrs || []) {
    const button = el('button', { type: 'button', class: 'secondary' }, ['Sign in through ' + ehr.name]);
    button.addEventListener('click', () => begin('smart', ehr.iss));
    list.append(el('li', {}, [button]));
  }
  list.hidden = !(settings.ehrs || []).length;
}

export async function startSignIn(): Promise<void> {
  try {
    oauth = (await import(/* served by the gateway, as published */ OAUTH_CLIENT)) as typeof OAuth;
  } catch {
    return; // the OAuth client did not load: the development sign-in still works
  }
  const response = await fetch('/ui/sign-in.json');
  if (!response.ok) return;
  settings = (await response.json()) as Settings;
  offerSignIn();
  const query = new URLSearchParams(location.search);
  if (location.pathname === '/launch') {
    // The gateway served this page only for a registered iss; checked again before anything is fetched.
    const ehr = registeredEhr(query.get('iss'));
    history.replaceState(null, '', '/');
    const launch = query.get('launch');
    if (!ehr || !launch) {
      status('This EHR is not registered to launch CareCircle.', true);
      return;
    }
    $('who').textContent = 'Opening from ' + ehr.name + '…';
    await begin('smart', ehr.iss, launch);
  } else if (query.has('state') || query.has('code') || query.has('error')) {
    await complete();
  }
}
