// The console's shell: one screen at a time, chosen by the URL's `#/…` route, and the navigation per role.
// A screen is one module exporting a Screen and one entry in main.ts's list (plus its nav link in page.ts).
import { $, messageOf, say } from './dom.js';
import { forgetNames } from './people.js';
import { claims, endSession, sessionRole, token } from './session.js';

export interface Screen {
  /** The id of the screen's `section.view` in the page. */
  readonly view: string;
  /** The route's parameters when the hash's parts (`#/a/b` → ['a', 'b']) are this screen's, else null. */
  match(parts: readonly string[]): readonly string[] | null;
  show(...params: string[]): Promise<void>;
  /** Looks again after an action changed what the screen shows (an alert acted on). */
  refresh?(): Promise<void>;
  /** Leaving the screen: stop whatever it keeps running (a live stream). */
  leave?(): void;
}

let screens: readonly Screen[] = [];
let fallback: Screen | null = null;
let current: Screen | null = null;
let refreshTimers: ReturnType<typeof setTimeout>[] = [];

/** The screens in the order their routes are tried; the last is the home, shown for any other route. */
export function registerScreens(list: readonly Screen[]): void {
  screens = list;
  fallback = list[list.length - 1] ?? null;
}

export function show(view: string | null): void {
  document.querySelectorAll<HTMLElement>('main > section.view').forEach((section) => {
    section.hidden = section.id !== view;
  });
  const next = screens.find((screen) => screen.view === view) ?? null;
  screens.filter((screen) => screen !== next).forEach((screen) => screen.leave?.());
  current = next;
  refreshTimers.forEach(clearTimeout);
  refreshTimers = [];
}

/** Liaison applies a change to its inbox within moments: the screen on show looks again after these delays. */
export function refreshSoon(delays: readonly number[]): void {
  for (const ms of delays)
    refreshTimers.push(
      setTimeout(() => {
        current?.refresh?.().catch(() => undefined);
      }, ms),
    );
}

function whoAmI(): void {
  const role = sessionRole() || claims().carecircle_role || null;
  $('signin').hidden = true;
  $('nav').hidden = false;
  document.querySelectorAll<HTMLElement>('#nav [data-roles]').forEach((item) => {
    item.hidden = (item.getAttribute('data-roles') ?? '').split(' ').indexOf(role ?? '') < 0;
  });
}

function showSignIn(): void {
  show(null);
  $('nav').hidden = true;
  $('signin').hidden = false;
}

export async function route(): Promise<void> {
  if (!token()) {
    showSignIn();
    return;
  }
  whoAmI();
  const parts = (location.hash || '#/home').replace(/^#\//, '').split('/').map(decodeURIComponent);
  say('');
  try {
    for (const screen of screens) {
      const params = screen.match(parts);
      if (params) return await screen.show(...params);
    }
    if (fallback) await fallback.show();
  } catch (error) {
    say(messageOf(error), true);
  }
}

export function signedIn(): void {
  if (location.hash === '' || location.hash === '#/home') route();
  else location.hash = '#/home';
}

export function signOut(): void {
  endSession();
  forgetNames();
  showSignIn();
  history.replaceState(null, '', location.pathname);
  say('Signed out.');
}

export function startShell(): void {
  document.addEventListener('cc:signed-in', signedIn);
  window.addEventListener('hashchange', route);
  $('sign-out').addEventListener('click', signOut);
}
