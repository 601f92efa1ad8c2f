// Who is signed in: the session's bearer token, in memory; the development issuer's alone is kept in
// sessionStorage (for the local run). sign-in.ts puts a provider's token here, in memory only.
import { $ } from './dom.js';

const state = {
  token: sessionStorage.getItem('cc.token'),
  who: sessionStorage.getItem('cc.who'),
  role: null as string | null,
  onSignOut: null as (() => void) | null,
};
const signedOutListeners: (() => void)[] = [];

export function token(): string | null {
  return state.token;
}

/** The role the gateway gave this session (sign-in.ts asks it), or null: then the token's own claim. */
export function sessionRole(): string | null {
  return state.role;
}

export function authHeaders(): Record<string, string> {
  return { Authorization: 'Bearer ' + state.token };
}

/** Who is signed in, for the navigation only (the token's claims; the gateway decides access on every call). */
export function claims(): { sub?: string; carecircle_role?: string } {
  try {
    const payload = (state.token ?? '').split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload + '==='.slice((payload.length + 3) % 4)));
  } catch {
    return {};
  }
}

export function showWho(): void {
  if (state.token) $('who').textContent = 'Signed in as ' + state.who + '.';
}

/** The development issuer's session: kept for the tab, so a reload stays signed in. */
export function setDevSession(accessToken: string, who: string): void {
  state.token = accessToken;
  state.who = who;
  sessionStorage.setItem('cc.token', accessToken);
  sessionStorage.setItem('cc.who', who);
  showWho();
}

/** A provider's session, in memory only; `onSignOut` ends it at the provider. A refresh calls this again. */
export function setSession(accessToken: string, who: string, role: string | null, onSignOut: () => void): void {
  state.token = accessToken;
  state.who = who;
  state.role = role;
  state.onSignOut = onSignOut;
  $('who').textContent = 'Signed in as ' + who + (role ? ' (' + role + ')' : '') + '.';
}

/** Screens holding a member's data clear it when the session ends. */
export function onSignedOut(listener: () => void): void {
  signedOutListeners.push(listener);
}

export function endSession(): void {
  const onSignOut = state.onSignOut;
  // Ends the session at the development issuer too, so the token stops working everywhere.
  if (state.token && !onSignOut)
    fetch('/dev-idp/logout', { method: 'POST', headers: authHeaders() }).catch(() => undefined);
  state.token = null;
  state.who = null;
  state.role = null;
  state.onSignOut = null;
  sessionStorage.removeItem('cc.token');
  sessionStorage.removeItem('cc.who');
  $('who').textContent = 'Not signed in.';
  signedOutListeners.forEach((listener) => listener());
  if (onSignOut) onSignOut();
}

// The sign-in tests read the in-memory token from the page (to prove it is nowhere in storage).
(window as unknown as { ccTimeline: { token(): string | null } }).ccTimeline = { token };
