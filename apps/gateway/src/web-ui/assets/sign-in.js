// CareCircle sign-in at an OpenID Connect provider or an EHR: authorization code + PKCE (S256) as a public
// client, through panva's oauth4webapi (window.ccOAuth, /ui/oauth-client.js). SMART App Launch: the EHR
// opens /launch?iss=…&launch=… (the gateway refuses an unregistered iss), or a person starts from an EHR's
// button here (standalone launch). Tokens live in this closure only; sessionStorage holds the PKCE
// verifier, state and nonce for the redirect round trip, and is emptied when the browser comes back.
(function () {
  'use strict';
  var oauth = window.ccOAuth;
  var PENDING = 'cc.signin.pending';
  var $ = function (id) {
    return document.getElementById(id);
  };
  var settings = null;
  var session = null; // { kind, iss, as, client, accessToken, idToken, refreshToken, timer }

  function tell(text, isError) {
    var status = $('console-status');
    status.textContent = text;
    status.setAttribute('role', isError ? 'alert' : 'status');
  }

  // oauth4webapi insists on https; plain http is let through only to this machine (the local run, tests).
  function requestOptions(url) {
    var options = {};
    var host = new URL(url).hostname;
    if (new URL(url).protocol === 'http:' && (host === 'localhost' || host === '127.0.0.1' || host === '[::1]'))
      options[oauth.allowInsecureRequests] = true;
    return options;
  }

  function registeredEhr(iss) {
    var wanted = String(iss || '').replace(/\/+$/, '');
    return (
      (settings.ehrs || []).filter(function (ehr) {
        return ehr.iss === wanted;
      })[0] || null
    );
  }

  // The provider's OpenID configuration, or the EHR's SMART configuration (its `issuer` signs the ID token).
  async function discover(kind, iss) {
    if (kind === 'oidc') {
      var issuer = new URL(iss);
      return oauth.processDiscoveryResponse(
        issuer,
        await oauth.discoveryRequest(issuer, Object.assign({ algorithm: 'oidc' }, requestOptions(iss))),
      );
    }
    var response = await fetch(iss + '/.well-known/smart-configuration', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error('The EHR’s SMART configuration could not be read (' + response.status + ').');
    var smart = await response.json();
    if (typeof smart.authorization_endpoint !== 'string' || typeof smart.token_endpoint !== 'string')
      throw new Error('The EHR’s SMART configuration names no authorization and token endpoints.');
    return Object.assign({}, smart, { issuer: smart.issuer || iss });
  }

  function clientOf(kind, iss) {
    return { client_id: kind === 'oidc' ? settings.provider.clientId : registeredEhr(iss).clientId };
  }

  // Step 1: off to the provider, with a fresh PKCE verifier, state and nonce kept for the way back.
  async function begin(kind, iss, launch) {
    try {
      var as = await discover(kind, iss);
      var verifier = oauth.generateRandomCodeVerifier();
      var pending = {
        kind: kind,
        iss: iss,
        verifier: verifier,
        state: oauth.generateRandomState(),
        nonce: oauth.generateRandomNonce(),
      };
      var url = new URL(as.authorization_endpoint);
      var scope =
        kind === 'oidc' ? settings.provider.scope : registeredEhr(iss).scope + (launch ? ' launch' : ' launch/patient');
      var params = {
        response_type: 'code',
        client_id: clientOf(kind, iss).client_id,
        redirect_uri: settings.redirectUri,
        scope: scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      };
      // SMART: the FHIR server the token is for, and the EHR's launch context handle.
      if (kind === 'smart') params.aud = iss;
      if (launch) params.launch = launch;
      Object.keys(params).forEach(function (key) {
        url.searchParams.set(key, params[key]);
      });
      sessionStorage.setItem(PENDING, JSON.stringify(pending));
      location.assign(url.href);
    } catch (error) {
      tell('Sign-in could not start: ' + error.message, true);
    }
  }

  // Step 2: back from the provider with ?code&state: check state, nonce and the ID token, redeem the code.
  async function complete() {
    var returned = new URL(location.href);
    var pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
    sessionStorage.removeItem(PENDING);
    // The code is single-use and the URL must not keep it (history, bookmarks).
    history.replaceState(null, '', '/');
    if (!pending) {
      tell('No sign-in was in progress in this tab: sign in again.', true);
      return;
    }
    try {
      $('who').textContent = 'Signing in…';
      var as = await discover(pending.kind, pending.iss);
      var client = clientOf(pending.kind, pending.iss);
      var callback = oauth.validateAuthResponse(as, client, returned.searchParams, pending.state);
      var response = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        oauth.None(),
        callback,
        settings.redirectUri,
        pending.verifier,
        requestOptions(as.token_endpoint),
      );
      var tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
        expectedNonce: pending.nonce,
        requireIdToken: true,
      });
      session = { kind: pending.kind, iss: pending.iss, as: as, client: client, timer: null };
      if (!(await use(tokens))) return;
      if (pending.kind === 'smart') await openLaunchedPatient(tokens.patient);
      else document.dispatchEvent(new CustomEvent('cc:signed-in'));
    } catch (error) {
      forget();
      $('who').textContent = 'Not signed in.';
      tell('Sign-in failed: ' + error.message, true);
    }
  }

  // The gateway takes the provider's access token; after a SMART launch the EHR's ID token (issued to this
  // console, verified by the gateway against the registered EHR's keys). The gateway says who that is.
  async function use(tokens) {
    var bearer = session.kind === 'oidc' ? tokens.access_token : tokens.id_token;
    if (!bearer) throw new Error('The provider answered without the token CareCircle needs.');
    var me = await fetch('/api/care-console/me', { headers: { Authorization: 'Bearer ' + bearer } });
    if (!me.ok) {
      forget();
      $('who').textContent = 'Not signed in.';
      tell(
        me.status === 401 || me.status === 403
          ? 'You signed in, but your account has no CareCircle role here: ask your administrator.'
          : 'Sign-in could not be checked (' + me.status + ').',
        true,
      );
      return false;
    }
    var person = await me.json();
    var claims = oauth.getValidatedIdTokenClaims(tokens) || {};
    session.accessToken = tokens.access_token;
    session.idToken = tokens.id_token || session.idToken;
    session.refreshToken = tokens.refresh_token || session.refreshToken;
    window.ccTimeline.setSession(bearer, claims.name || person.id, person.role, signOut);
    scheduleRefresh(tokens.expires_in);
    return true;
  }

  // Refresh a minute before expiry (at half-life for short-lived tokens); without a refresh token, the
  // session simply ends at expiry and the console asks for a new sign-in.
  function scheduleRefresh(expiresIn) {
    clearTimeout(session.timer);
    var seconds = Number(expiresIn) > 0 ? Number(expiresIn) : 300;
    var delay = (seconds > 120 ? seconds - 60 : seconds / 2) * 1000;
    session.timer = setTimeout(session.refreshToken ? refresh : expire, delay);
  }

  async function refresh() {
    var current = session;
    try {
      var response = await oauth.refreshTokenGrantRequest(
        current.as,
        current.client,
        oauth.None(),
        current.refreshToken,
        requestOptions(current.as.token_endpoint),
      );
      var tokens = await oauth.processRefreshTokenResponse(current.as, current.client, response);
      if (session !== current) return; // signed out meanwhile
      if (current.kind === 'smart' && !tokens.id_token) throw new Error('no new ID token');
      await use(tokens);
    } catch (error) {
      if (session === current) expire();
    }
  }

  function expire() {
    forget();
    window.ccTimeline.signOut();
    tell('Your sign-in has expired: sign in again.', true);
  }

  function forget() {
    if (session) clearTimeout(session.timer);
    session = null;
  }

  // Sign-out (ccTimeline.signOut calls this after clearing the page): drop the tokens, revoke the refresh
  // token where the provider offers revocation, and end the provider's session (RP-initiated logout).
  async function signOut() {
    var ended = session;
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
        .catch(function () {
          return undefined;
        });
    }
    if (ended.as.end_session_endpoint) {
      var url = new URL(ended.as.end_session_endpoint);
      url.searchParams.set('client_id', ended.client.client_id);
      url.searchParams.set('post_logout_redirect_uri', settings.redirectUri);
      if (ended.idToken) url.searchParams.set('id_token_hint', ended.idToken);
      location.assign(url.href);
    }
  }

  // SMART: the EHR's patient, as the member the gateway knows, opened only if the access policy allows.
  async function openLaunchedPatient(patient) {
    if (typeof patient !== 'string') {
      tell('The EHR gave no patient context; open a member from your home.');
      document.dispatchEvent(new CustomEvent('cc:signed-in'));
      return;
    }
    var response = await fetch('/api/care-console/launch', {
      method: 'POST',
      headers: { Authorization: 'Bearer ' + window.ccTimeline.token(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ iss: session.iss, patient: patient }),
    });
    var body = await response.json().catch(function () {
      return {};
    });
    if (!response.ok) {
      // Not routed home: the console's routing would clear this message.
      tell((body.message || 'The launching patient could not be opened (' + response.status + ')') + '. ', true);
      $('console-status').append(window.ccTimeline.el('a', { href: '#/home' }, ['Open your home']));
      return;
    }
    location.hash = '#/members/' + encodeURIComponent(body.memberId);
  }

  function offerSignIn() {
    if (settings.provider) {
      $('provider-signin').hidden = false;
      $('provider-signin-button').addEventListener('click', function () {
        begin('oidc', settings.provider.issuer);
      });
    }
    var list = $('ehr-signin');
    (settings.ehrs || []).forEach(function (ehr) {
      var button = window.ccTimeline.el('button', { type: 'button', class: 'secondary' }, [
        'Sign in through ' + ehr.name,
      ]);
      button.addEventListener('click', function () {
        begin('smart', ehr.iss);
      });
      list.append(window.ccTimeline.el('li', {}, [button]));
    });
    list.hidden = !(settings.ehrs || []).length;
  }

  async function start() {
    var response = await fetch('/ui/sign-in.json');
    if (!response.ok) return;
    settings = await response.json();
    offerSignIn();
    var query = new URLSearchParams(location.search);
    if (location.pathname === '/launch') {
      // The gateway served this page only for a registered iss; checked again before anything is fetched.
      var ehr = registeredEhr(query.get('iss'));
      history.replaceState(null, '', '/');
      if (!ehr || !query.get('launch')) {
        tell('This EHR is not registered to launch CareCircle.', true);
        return;
      }
      $('who').textContent = 'Opening from ' + ehr.name + '…';
      await begin('smart', ehr.iss, query.get('launch'));
    } else if (query.has('state') || query.has('code') || query.has('error')) {
      await complete();
    }
  }

  if (!oauth) return; // the OAuth client did not load: the development sign-in still works
  start();
})();
