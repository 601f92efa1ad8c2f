// The development issuer's sign-in: pick a demo user (only when the gateway runs its development issuer).
import { $, el } from './dom.js';
import { setDevSession, showWho } from './session.js';

async function signIn(event: Event): Promise<void> {
  event.preventDefault();
  const select = $<HTMLSelectElement>('demo-user');
  const username = select.value;
  const response = await fetch('/dev-idp/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (!response.ok) {
    $('who').textContent = 'Sign-in failed.';
    return;
  }
  const tokens = (await response.json()) as { access_token: string };
  const option = select.selectedOptions[0];
  setDevSession(tokens.access_token, option ? (option.textContent ?? username) : username);
  document.dispatchEvent(new CustomEvent('cc:signed-in'));
}

export async function startDevSignIn(): Promise<void> {
  $('signin-form').addEventListener('submit', signIn);
  const response = await fetch('/dev-idp/users');
  if (response.ok) {
    const users = (await response.json()) as { username: string; name: string; role: string }[];
    for (const user of users)
      $('demo-user').append(el('option', { value: user.username }, [user.name + ' (' + user.role + ')']));
  } else {
    $('signin-form').replaceChildren(
      el('p', {}, ['Development sign-in is off; sign in through your organisation’s identity provider.']),
    );
  }
  showWho();
}
