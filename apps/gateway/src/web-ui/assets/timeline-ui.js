// CareCircle care timeline: development sign-in, the member timeline with filters, live updates over SSE.
// Plain browser JavaScript, no build step. Everything shown goes through textContent (never innerHTML).
// care-console.js drives the views: it hears `cc:signed-in` and `cc:timeline-entry`, and calls window.ccTimeline.
// It holds the session's bearer token: sign-in.js puts a provider's in here, in memory only (the
// development issuer's alone is kept in sessionStorage, for the local run).
(function () {
  'use strict';
  var state = {
    token: sessionStorage.getItem('cc.token'),
    who: sessionStorage.getItem('cc.who'),
    role: null,
    onSignOut: null,
    entries: new Map(),
    stream: null,
  };
  var $ = function (id) {
    return document.getElementById(id);
  };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  function say(text, isError) {
    var status = $('status');
    status.textContent = text;
    status.setAttribute('role', isError ? 'alert' : 'status');
  }

  function selectedKinds() {
    return Array.prototype.slice.call(document.querySelectorAll('input[name="types"]:checked')).map(function (box) {
      return box.value;
    });
  }

  function render() {
    var list = $('timeline');
    var kinds = selectedKinds();
    var entries = Array.from(state.entries.values())
      .filter(function (entry) {
        return kinds.indexOf(entry.kind) >= 0;
      })
      .sort(function (a, b) {
        return a.at === b.at ? (a.id < b.id ? -1 : 1) : a.at < b.at ? -1 : 1;
      });
    list.replaceChildren.apply(list, entries.map(renderEntry));
  }

  function renderEntry(entry) {
    var severity = entry.severity || 'none';
    var badges = [el('span', { class: 'badge' }, [entry.kind])];
    if (entry.severity) badges.push(el('span', { class: 'badge sev' }, [entry.severity]));
    var item = el('li', { class: 'entry sev-' + severity, 'data-kind': entry.kind, 'data-type': entry.type }, [
      el('h3', {}, badges.concat([entry.title])),
      el('p', { class: 'meta' }, [
        el('time', { datetime: entry.at }, [new Date(entry.at).toLocaleString()]),
        entry.redacted ? ' · minimum-necessary view' : '',
      ]),
    ]);
    if (entry.alert) {
      var steps = entry.alert.steps.map(function (step) {
        return (
          step.state + ' ' + new Date(step.at).toLocaleString() + (step.level ? ' (level ' + step.level + ')' : '')
        );
      });
      item.append(el('p', { class: 'lifecycle' }, ['Alert status: ' + entry.alert.status + ' — ' + steps.join(' → ')]));
    }
    var details = el('dl', {}, []);
    Object.keys(entry.details || {}).forEach(function (key) {
      var value = entry.details[key];
      details.append(el('dt', {}, [key]), el('dd', {}, [typeof value === 'string' ? value : JSON.stringify(value)]));
    });
    item.append(el('details', {}, [el('summary', {}, ['Details']), details]));
    return item;
  }

  function authHeaders() {
    return { Authorization: 'Bearer ' + state.token };
  }

  async function signIn(event) {
    event.preventDefault();
    var username = $('demo-user').value;
    var response = await fetch('/dev-idp/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: username }),
    });
    if (!response.ok) {
      $('who').textContent = 'Sign-in failed.';
      return;
    }
    var tokens = await response.json();
    var option = $('demo-user').selectedOptions[0];
    state.token = tokens.access_token;
    state.who = option ? option.textContent : username;
    sessionStorage.setItem('cc.token', state.token);
    sessionStorage.setItem('cc.who', state.who);
    $('who').textContent = 'Signed in as ' + state.who + '.';
    document.dispatchEvent(new CustomEvent('cc:signed-in'));
  }

  // The member form opens the member's view (its route), which loads the timeline.
  function openMember(event) {
    event.preventDefault();
    var member = $('member-id').value.trim();
    if (!$('member-id').checkValidity()) {
      say('A member id looks like mbr_ followed by 6-64 letters, digits, _ or -.', true);
      return;
    }
    location.hash = '#/members/' + encodeURIComponent(member);
  }

  async function loadTimeline() {
    if (!state.token) {
      say('Sign in first.', true);
      return;
    }
    var member = $('member-id').value.trim();
    if (state.stream) state.stream.abort();
    state.entries = new Map();
    render();
    say('Loading…');
    var cursor = null;
    for (var page = 0; page < 50; page++) {
      var url =
        '/api/members/' +
        encodeURIComponent(member) +
        '/timeline?limit=200' +
        (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
      var response = await fetch(url, { headers: authHeaders() });
      if (response.status === 401) {
        say('Your sign-in has expired: sign in again.', true);
        return;
      }
      if (response.status === 403) {
        say('You may not see this member’s timeline.', true);
        return;
      }
      if (!response.ok) {
        say('The timeline could not be loaded (' + response.status + ').', true);
        return;
      }
      var body = await response.json();
      body.entries.forEach(function (entry) {
        state.entries.set(entry.id, entry);
      });
      cursor = body.nextCursor;
      if (!cursor) break;
    }
    render();
    say(state.entries.size + ' entries. Updating live.');
    follow(member);
  }

  // EventSource cannot send an Authorization header: read the event stream through fetch instead.
  async function follow(member) {
    var controller = new AbortController();
    state.stream = controller;
    try {
      var response = await fetch('/api/members/' + encodeURIComponent(member) + '/timeline/stream', {
        headers: authHeaders(),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) return;
      var reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      var buffer = '';
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += chunk.value;
        var blocks = buffer.split('\n\n');
        buffer = blocks.pop();
        blocks.forEach(function (block) {
          var lines = block.split('\n');
          var data = lines
            .filter(function (line) {
              return line.indexOf('data: ') === 0;
            })
            .map(function (line) {
              return line.slice(6);
            })
            .join('\n');
          if (!data) return;
          // The server ends the stream when the token expires or the session is signed out.
          if (lines.indexOf('event: end') !== -1) {
            say('Live updates ended: your sign-in has expired or ended; sign in again.', true);
            return;
          }
          var entry = JSON.parse(data);
          state.entries.set(entry.id, entry);
          render();
          say(state.entries.size + ' entries. New: ' + entry.title);
          document.dispatchEvent(new CustomEvent('cc:timeline-entry', { detail: entry }));
        });
      }
    } catch (error) {
      if (error.name !== 'AbortError') say('Live updates stopped; reload the timeline.', true);
    }
  }

  async function start() {
    $('signin-form').addEventListener('submit', signIn);
    $('member-form').addEventListener('submit', openMember);
    $('filters').addEventListener('change', render);
    var response = await fetch('/dev-idp/users');
    if (response.ok) {
      (await response.json()).forEach(function (user) {
        $('demo-user').append(el('option', { value: user.username }, [user.name + ' (' + user.role + ')']));
      });
    } else {
      $('signin-form').replaceChildren(
        el('p', {}, ['Development sign-in is off; sign in through your organisation’s identity provider.']),
      );
    }
    if (state.token) {
      $('who').textContent = 'Signed in as ' + state.who + '.';
    }
  }

  window.ccTimeline = {
    el: el,
    token: function () {
      return state.token;
    },
    /** The role the gateway gave this session (sign-in.js asks it), or null: then the token's own claim. */
    role: function () {
      return state.role;
    },
    /** A provider's session, in memory only; `onSignOut` ends it at the provider. A refresh calls this again. */
    setSession: function (token, who, role, onSignOut) {
      state.token = token;
      state.who = who;
      state.role = role;
      state.onSignOut = onSignOut;
      $('who').textContent = 'Signed in as ' + who + (role ? ' (' + role + ')' : '') + '.';
    },
    load: function (member) {
      $('member-id').value = member;
      return loadTimeline();
    },
    stop: function () {
      if (state.stream) state.stream.abort();
      state.stream = null;
    },
    signOut: function () {
      if (state.stream) state.stream.abort();
      var onSignOut = state.onSignOut;
      // Ends the session at the development issuer too, so the token stops working everywhere.
      if (state.token && !onSignOut)
        fetch('/dev-idp/logout', { method: 'POST', headers: authHeaders() }).catch(function () {
          return undefined;
        });
      state.token = null;
      state.who = null;
      state.role = null;
      state.onSignOut = null;
      state.entries = new Map();
      sessionStorage.removeItem('cc.token');
      sessionStorage.removeItem('cc.who');
      $('who').textContent = 'Not signed in.';
      render();
      if (onSignOut) onSignOut();
    },
  };

  start();
})();
