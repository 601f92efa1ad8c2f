// CareCircle care console: a home per role, taking attendance, alerts (acknowledge, override with a
// reason, resolve), PHQ-9/GAD-7 charts with their severity bands, and the programme lead's cohort report.
// Plain browser JavaScript, no build step, no framework. Text goes in through textContent only.
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var STATUSES = [
    ['attended-in-person', 'In person'],
    ['attended-online', 'Online'],
    ['absent', 'Absent'],
    ['excused', 'Excused'],
  ];
  var VIEWS = ['home', 'session', 'alerts', 'cohort', 'member'];
  var state = { role: null, id: null, member: null, session: null, refreshTimers: [] };
  var $ = function (id) {
    return document.getElementById(id);
  };

  var el = window.ccTimeline.el; // timeline-ui.js loads first (both deferred, in order)

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, String(attrs[key]));
    });
    (children || []).forEach(function (child) {
      node.append(child);
    });
    return node;
  }

  function say(text, isError) {
    var status = $('console-status');
    status.textContent = text;
    status.setAttribute('role', isError ? 'alert' : 'status');
  }

  function when(iso) {
    return new Date(iso).toLocaleString();
  }
  function token() {
    return window.ccTimeline.token();
  }

  // Every call carries the bearer token; the gateway decides access and answers 401/403/4xx with a message.
  async function api(path, options) {
    var init = Object.assign({ headers: {} }, options || {});
    init.headers = Object.assign({ Authorization: 'Bearer ' + token() }, init.headers);
    if (init.json !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(init.json);
    }
    var response = await fetch(path, init);
    if (response.status === 401) throw new Error('Your sign-in has expired: sign in again.');
    if (!response.ok) {
      var body = await response.json().catch(function () {
        return {};
      });
      var message = Array.isArray(body.message) ? body.message.join('; ') : body.message;
      var failure = new Error(message || 'The request failed (' + response.status + ').');
      failure.status = response.status;
      throw failure;
    }
    return response;
  }
  async function getJson(path) {
    return (await api(path)).json();
  }

  // Views ------------------------------------------------------------------------------------------

  function show(view) {
    VIEWS.forEach(function (name) {
      $(name).hidden = name !== view;
    });
    if (view !== 'member' && window.ccTimeline) window.ccTimeline.stop();
    state.refreshTimers.forEach(clearTimeout);
    state.refreshTimers = [];
  }

  function focusHeading(id) {
    var heading = $(id);
    if (heading) heading.focus();
  }

  async function route() {
    if (!token()) {
      show(null);
      $('nav').hidden = true;
      $('signin').hidden = false;
      return;
    }
    await whoAmI();
    var hash = location.hash || '#/home';
    var parts = hash.replace(/^#\//, '').split('/').map(decodeURIComponent);
    say('');
    try {
      if (parts[0] === 'groups' && parts[2] === 'sessions' && parts[3]) await showSession(parts[1], parts[3]);
      else if (parts[0] === 'members' && parts[1]) await showMember(parts[1]);
      else if (parts[0] === 'alerts') await showInbox();
      else if (parts[0] === 'cohort') await showCohort();
      else await showHome();
    } catch (error) {
      say(error.message, true);
    }
  }

  // Who is signed in, for the navigation only (the token's role claim; the gateway decides access on every call).
  function claims() {
    try {
      var payload = token().split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(payload + '==='.slice((payload.length + 3) % 4)));
    } catch (error) {
      return {};
    }
  }

  async function whoAmI() {
    var claim = claims();
    state.role = window.ccTimeline.role() || claim.carecircle_role || null;
    state.id = claim.sub || null;
    $('signin').hidden = true;
    $('nav').hidden = false;
    document.querySelectorAll('#nav [data-roles]').forEach(function (item) {
      item.hidden = item.getAttribute('data-roles').split(' ').indexOf(state.role) < 0;
    });
  }

  // Home -------------------------------------------------------------------------------------------

  async function showHome() {
    show('home');
    await loadHome();
    focusHeading('home-heading');
  }

  async function loadHome() {
    var home = await getJson('/api/care-console/home');
    var body = $('home-body');
    if (home.role === 'facilitator') body.replaceChildren.apply(body, facilitatorHome(home));
    else if (home.role === 'clinician') body.replaceChildren.apply(body, clinicianHome(home));
    else
      body.replaceChildren(
        el('p', {}, ['Programme leads see cohort figures only, never individual members.']),
        el('p', {}, [el('a', { href: '#/cohort' }, ['Open the cohort report'])]),
      );
    $('home-heading').textContent =
      home.role === 'facilitator'
        ? 'Facilitator home'
        : home.role === 'clinician'
          ? 'Clinician home'
          : 'Programme overview';
  }

  function memberLink(memberId) {
    return el('a', { href: '#/members/' + encodeURIComponent(memberId) }, [memberId]);
  }

  function facilitatorHome(home) {
    var parts = needsAttention(home, 'home').concat([el('h3', {}, ['My groups'])]);
    if (!home.groups.length) parts.push(el('p', {}, ['You facilitate no groups yet.']));
    home.groups.forEach(function (group) {
      var rows = group.roster.map(function (member) {
        return el('tr', {}, [
          el('th', { scope: 'row' }, [memberLink(member.memberId)]),
          el('td', {}, [
            el(
              'progress',
              {
                max: String(member.dose),
                value: String(Math.min(member.attended, member.dose)),
                'aria-label': 'Dose progress of ' + member.memberId,
              },
              [],
            ),
            ' ' + member.attended + ' of ' + member.dose + ' sessions' + (member.doseReached ? ' (dose reached)' : ''),
          ]),
        ]);
      });
      var sessions = group.sessions.map(function (session) {
        var label =
          'Session ' +
          when(session.startsAt) +
          (session.started ? ' · attendance ' + session.recorded + ' of ' + group.roster.length : ' · not started yet');
        return el('li', {}, [
          el(
            'a',
            {
              href:
                '#/groups/' + encodeURIComponent(group.groupId) + '/sessions/' + encodeURIComponent(session.sessionId),
            },
            [label],
          ),
        ]);
      });
      parts.push(
        el('article', { class: 'group', 'aria-labelledby': 'g-' + group.groupId }, [
          el('h3', { id: 'g-' + group.groupId }, [
            group.groupId + (group.groupType ? ' (' + group.groupType + ')' : ''),
          ]),
          el('table', {}, [
            el('caption', {}, ['Roster and dose progress']),
            el('thead', {}, [
              el('tr', {}, [el('th', { scope: 'col' }, ['Member']), el('th', { scope: 'col' }, ['Sessions attended'])]),
            ]),
            el('tbody', {}, rows),
          ]),
          el('h4', {}, ['Take attendance']),
          el('ul', {}, sessions),
        ]),
      );
    });
    var upcoming = home.upcomingSessions.map(function (session) {
      return el('li', {}, [when(session.startsAt) + ' · ' + session.groupId]);
    });
    parts.push(
      el('h3', {}, ['Next sessions']),
      upcoming.length ? el('ul', {}, upcoming) : el('p', {}, ['No sessions ahead.']),
    );
    return parts;
  }

  function clinicianHome(home) {
    var members = home.members.map(function (memberId) {
      return el('li', {}, [memberLink(memberId)]);
    });
    return needsAttention(home, 'home').concat([
      el('h3', {}, ['My members']),
      members.length
        ? el('ul', { 'aria-label': 'My care-team members' }, members)
        : el('p', {}, ['You are on no member’s care team yet.']),
    ]);
  }

  // What needs attention comes first on every home: open alerts, most severe then soonest to escalate
  // (the gateway's order), counts per state, and a Done list so an acknowledged alert stays in sight.
  var STATE_NAMES = [
    ['new', 'New'],
    ['escalated', 'Escalated'],
    ['acknowledged', 'Acknowledged'],
    ['resolved', 'Resolved'],
  ];
  var DONE_ON_HOME = 5;

  function needsAttention(home, where) {
    var counts = home.alertCounts || {};
    var done = where === 'home' ? home.doneAlerts.slice(0, DONE_ON_HOME) : home.doneAlerts;
    var headingId = 'attention-' + where;
    return [
      el('section', { class: 'attention', 'aria-labelledby': headingId, 'data-section': 'needs-attention' }, [
        el('h3', { id: headingId }, ['Needs attention (' + home.openAlerts.length + ' open)']),
        el(
          'ul',
          { class: 'counts', 'aria-label': 'My alerts by state' },
          STATE_NAMES.map(function (state) {
            return el('li', { 'data-state': state[0] }, [
              state[1] + ' ',
              el('strong', {}, [String(counts[state[0]] || 0)]),
            ]);
          }),
        ),
        alertList(home.openAlerts, where, 'Open alerts, most severe first', 'Nothing needs your attention.'),
      ]),
      el('section', { class: 'done', 'aria-labelledby': headingId + '-done', 'data-section': 'done' }, [
        el('h3', { id: headingId + '-done' }, ['Done (acknowledged or resolved)']),
        alertList(done, where, 'Alerts acted on, latest first', 'Nothing acted on yet.'),
        where === 'home' && home.doneAlerts.length > DONE_ON_HOME
          ? el('p', {}, [el('a', { href: '#/alerts' }, ['All done alerts in the inbox'])])
          : el('span', {}, []),
      ]),
    ];
  }

  // Alerts -----------------------------------------------------------------------------------------

  function alertList(alerts, where, label, empty) {
    if (!alerts.length) return el('p', {}, [empty]);
    return el(
      'ul',
      { class: 'alerts', 'aria-label': label },
      alerts.map(function (alert) {
        return alertCard(alert, where);
      }),
    );
  }

  // Who acted and when (the gateway's copy of liaison's events; a moment after an action it may not have them yet).
  function lifecycle(alert) {
    var lines = [];
    if (alert.open && alert.dueAt && !alert.escalated)
      lines.push(
        (Date.parse(alert.dueAt) < Date.now() ? 'Escalation due since ' : 'Escalates ') +
          when(alert.dueAt) +
          ' unless acknowledged',
      );
    if (alert.escalated) lines.push('Escalated to level ' + alert.escalated.level + ' ' + when(alert.escalated.at));
    var ack = alert.acknowledged;
    if (ack)
      lines.push(
        (ack.outcome === 'overridden' ? 'Overridden' : 'Acknowledged') +
          ' by ' +
          (ack.by || 'someone') +
          ', ' +
          when(ack.at) +
          (ack.outcome === 'overridden'
            ? ack.reasonGiven
              ? ' (override reason recorded)'
              : ' (no reason recorded)'
            : ''),
      );
    else if (alert.state === 'acknowledged' || alert.status === 'acknowledged')
      lines.push('Acknowledged (who and when arrive in a moment)');
    if (alert.resolved) lines.push('Resolved by ' + (alert.resolved.by || 'someone') + ', ' + when(alert.resolved.at));
    return lines.length
      ? el(
          'ul',
          { class: 'lifecycle' },
          lines.map(function (line) {
            return el('li', {}, [line]);
          }),
        )
      : el('span', {}, []);
  }

  function alertCard(alert, where) {
    var escalation =
      alert.escalationLevel > 0
        ? el('span', { class: 'badge escalated' }, ['escalated to level ' + alert.escalationLevel])
        : el('span', { class: 'badge state' }, ['not escalated']);
    var card = el(
      'li',
      {
        class: 'alert-card sev-' + alert.severity,
        'data-alert-id': alert.alertId,
        'data-status': alert.status,
        'data-state': alert.state || '',
      },
      [
        el('h4', {}, [
          el('span', { class: 'badge sev' }, [alert.severity]),
          el('span', { class: 'badge state' }, [alert.status]),
          escalation,
          alert.summary,
        ]),
        el('p', { class: 'meta' }, ['Raised ' + when(alert.raisedAt) + ' · member ', memberLink(alert.memberId)]),
      ],
    );
    if (alert.state) card.append(lifecycle(alert));
    if (alert.detail && alert.detail !== alert.summary) card.append(el('p', {}, [alert.detail.replace(/\*\*/g, '')]));
    if (alert.open || alert.status === 'acknowledged') card.append(alertActions(alert, where));
    return card;
  }

  function alertActions(alert, where) {
    var reasonId = 'reason-' + where + '-' + alert.alertId;
    var actions = el('div', { class: 'actions' }, []);
    if (alert.open) {
      var accept = el('button', { type: 'button' }, ['Acknowledge']);
      accept.addEventListener('click', function () {
        act(alert, 'acknowledgement', { outcome: 'accepted' }, 'Acknowledged');
      });
      var reason = el('textarea', { id: reasonId, rows: '2', maxlength: '500' }, []);
      var override = el('button', { type: 'button', class: 'secondary' }, ['Override with reason']);
      override.addEventListener('click', function () {
        if (!reason.value.trim()) {
          say('Give a reason to override this alert.', true);
          reason.focus();
          return;
        }
        act(alert, 'acknowledgement', { outcome: 'overridden', reason: reason.value }, 'Overridden');
      });
      actions.append(
        accept,
        el('span', {}, [el('label', { for: reasonId }, ['Reason for an override']), el('br'), reason]),
        override,
      );
    }
    var resolve = el('button', { type: 'button', class: 'secondary' }, ['Resolve']);
    resolve.addEventListener('click', function () {
      act(alert, 'resolution', {}, 'Resolved');
    });
    actions.append(resolve);
    return actions;
  }

  async function act(alert, step, body, done) {
    try {
      await api('/api/care-console/alerts/' + encodeURIComponent(alert.alertId) + '/' + step, {
        method: 'POST',
        json: body,
      });
      say(done + ': ' + alert.summary);
      // Liaison applies the change to its inbox within moments: look again until it shows.
      refreshSoon([300, 1000, 2500, 5000]);
    } catch (error) {
      say(error.message, true);
    }
  }

  function refreshSoon(delays) {
    delays.forEach(function (ms) {
      state.refreshTimers.push(
        setTimeout(function () {
          if (!$('member').hidden && state.member) loadMemberAlerts(state.member).catch(function () {});
          else if (!$('alerts').hidden) loadInbox().catch(function () {});
          else if (!$('home').hidden) loadHome().catch(function () {});
        }, ms),
      );
    });
  }

  async function showInbox() {
    show('alerts');
    await loadInbox();
    focusHeading('alerts-heading');
  }

  async function loadInbox() {
    var home = await getJson('/api/care-console/home');
    var box = $('inbox');
    box.replaceChildren.apply(
      box,
      home.openAlerts
        ? needsAttention(home, 'inbox')
        : [el('p', {}, ['Only facilitators and clinicians have alerts.'])],
    );
  }

  // Session: take attendance ------------------------------------------------------------------------

  async function showSession(groupId, sessionId) {
    show('session');
    var sheet = await getJson(
      '/api/care-console/groups/' + encodeURIComponent(groupId) + '/sessions/' + encodeURIComponent(sessionId),
    );
    state.session = sheet;
    renderSheet(sheet);
    focusHeading('session-heading');
  }

  function renderSheet(sheet) {
    $('session-heading').textContent = 'Session of ' + when(sheet.session.startsAt) + ' · ' + sheet.groupId;
    $('session-meta').textContent = sheet.session.started
      ? 'Choose each member’s attendance, then save. Saved entries can be corrected.'
      : 'This session has not started yet: attendance can be taken once it has.';
    var members = sheet.members.map(function (member, index) {
      var name = 'att-' + index;
      var options = STATUSES.map(function (status) {
        var id = name + '-' + status[0];
        var input = el(
          'input',
          { type: 'radio', id: id, name: name, value: status[0], 'data-member': member.memberId },
          [],
        );
        if (member.status === status[0]) input.checked = true;
        if (!sheet.session.started) input.disabled = true;
        return el('span', {}, [input, el('label', { for: id }, [status[1]])]);
      });
      return el(
        'fieldset',
        { class: 'attendance-member' },
        [el('legend', {}, [member.memberId + (member.status ? '' : ' (not yet recorded)')])].concat(options, [
          distressControl(sheet, member.memberId, index),
        ]),
      );
    });
    var box = $('attendance-members');
    box.replaceChildren.apply(box, members.length ? members : [el('p', {}, ['No one is enrolled in this group yet.'])]);
    $('save-attendance').disabled = !sheet.session.started || !members.length;
  }

  // Acute distress seen in the session: a button, then a confirmation (with an optional note) before
  // anything is sent; the attending psychiatrist is alerted at once. The report id is chosen when the
  // confirmation opens, so sending again after a failure is the same report, never a second one.
  function distressControl(sheet, memberId, index) {
    var box = el('div', { class: 'distress' }, []);
    var open = el(
      'button',
      { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': 'distress-' + index },
      ['Report acute distress'],
    );
    var panel = el(
      'div',
      {
        id: 'distress-' + index,
        class: 'distress-confirm',
        role: 'group',
        'aria-labelledby': 'distress-title-' + index,
        hidden: '',
      },
      [],
    );
    var noteId = 'distress-note-' + index;
    var note = el('textarea', { id: noteId, rows: '2', maxlength: '280' }, []);
    var send = el('button', { type: 'button', class: 'danger' }, ['Send report']);
    var cancel = el('button', { type: 'button', class: 'secondary' }, ['Cancel']);
    var reportId = null;
    panel.append(
      el('p', { id: 'distress-title-' + index, class: 'distress-title', tabindex: '-1' }, [
        'Report acute distress for ' + memberId + '? Their attending psychiatrist is alerted now, as critical.',
      ]),
      el('label', { for: noteId }, ['What you saw (optional, for the care team)']),
      note,
      el('div', { class: 'actions' }, [send, cancel]),
    );
    function close() {
      panel.hidden = true;
      open.setAttribute('aria-expanded', 'false');
      open.focus();
    }
    open.addEventListener('click', function () {
      reportId = window.crypto && window.crypto.randomUUID ? window.crypto.randomUUID() : null;
      panel.hidden = false;
      open.setAttribute('aria-expanded', 'true');
      panel.querySelector('.distress-title').focus();
    });
    cancel.addEventListener('click', close);
    send.addEventListener('click', async function () {
      send.disabled = true;
      try {
        var report = { groupId: sheet.groupId, sessionId: sheet.session.sessionId };
        if (reportId) report.reportId = reportId;
        if (note.value.trim()) report.note = note.value.trim();
        await api('/api/care-console/members/' + encodeURIComponent(memberId) + '/distress-reports', {
          method: 'POST',
          json: report,
        });
        note.value = '';
        close();
        say('Acute distress reported for ' + memberId + ': their attending psychiatrist has been alerted.');
      } catch (error) {
        say(error.message, true);
      } finally {
        send.disabled = false;
      }
    });
    box.append(open, panel);
    return box;
  }

  async function saveAttendance(event) {
    event.preventDefault();
    var sheet = state.session;
    var entries = Array.prototype.slice
      .call(document.querySelectorAll('#attendance-members input[type=radio]:checked'))
      .map(function (input) {
        return { memberId: input.getAttribute('data-member'), status: input.value };
      });
    if (!entries.length) {
      say('Choose attendance for at least one member.', true);
      return;
    }
    try {
      var response = await api(
        '/api/care-console/groups/' +
          encodeURIComponent(sheet.groupId) +
          '/sessions/' +
          encodeURIComponent(sheet.session.sessionId) +
          '/attendance',
        { method: 'PUT', json: { entries: entries } },
      );
      var saved = await response.json();
      state.session = saved.sheet;
      renderSheet(saved.sheet);
      say('Attendance saved (' + saved.saved + ' ' + (saved.saved === 1 ? 'change' : 'changes') + ').');
    } catch (error) {
      say(error.message, true);
    }
  }

  // Member: alerts, outcome charts, timeline --------------------------------------------------------

  async function showMember(memberId) {
    show('member');
    state.member = memberId;
    $('member-heading').textContent = 'Member ' + memberId;
    $('member-alerts').replaceChildren();
    $('outcomes').replaceChildren();
    focusHeading('member-heading');
    // The alerts answer first: a refusal (not this reader's member) shows nothing of the member at all.
    try {
      await loadMemberAlerts(memberId);
    } catch (error) {
      if (error.status === 403) {
        $('member').hidden = true;
        throw error;
      }
      say(error.message, true);
    }
    var results = await Promise.allSettled([loadOutcomes(memberId), window.ccTimeline.load(memberId)]);
    var failed = results.filter(function (result) {
      return result.status === 'rejected';
    })[0];
    if (failed) say(failed.reason.message, true);
  }

  async function loadMemberAlerts(memberId) {
    var body = await getJson('/api/care-console/members/' + encodeURIComponent(memberId) + '/alerts');
    if (state.member !== memberId) return;
    var list = $('member-alerts');
    list.replaceChildren.apply(
      list,
      body.alerts.length
        ? body.alerts.map(function (alert) {
            return alertCard(alert, 'member');
          })
        : [el('li', {}, ['No alerts.'])],
    );
  }

  async function loadOutcomes(memberId) {
    var body = await getJson('/api/care-console/members/' + encodeURIComponent(memberId) + '/outcomes');
    if (state.member !== memberId) return;
    var box = $('outcomes');
    box.replaceChildren.apply(box, body.instruments.map(chart));
  }

  // A line chart over the instrument's severity bands, drawn as labelled coloured horizontal bands,
  // and the same figures as a table for screen readers.
  // Drawn at the width it gets, so that its text stays legible on a phone rather than shrunk with it.
  function chartWidth(box, widest) {
    return Math.max(320, Math.min(widest, box.clientWidth || widest));
  }

  function chart(instrument) {
    var W = chartWidth($('outcomes'), 680),
      narrow = W < 500,
      H = 240,
      left = 40,
      right = narrow ? 120 : 190,
      top = 10,
      bottom = 30;
    var plotW = W - left - right,
      plotH = H - top - bottom;
    var y = function (score) {
      return top + plotH - (score / instrument.max) * plotH;
    };
    var times = instrument.points.map(function (p) {
      return Date.parse(p.at);
    });
    var t0 = Math.min.apply(null, times),
      t1 = Math.max.apply(null, times);
    var x = function (t) {
      return times.length < 2 || t1 === t0 ? left + plotW / 2 : left + ((t - t0) / (t1 - t0)) * plotW;
    };
    var id = 'chart-' + instrument.instrument.replace(/[^A-Za-z0-9]/g, '');
    var nodes = [
      svg('title', { id: id + '-title' }, [instrument.instrument + ' total over time']),
      svg('desc', { id: id + '-desc' }, [describe(instrument)]),
    ];
    instrument.bands.forEach(function (band) {
      var upper = band.to === instrument.max ? instrument.max : band.to + 1;
      nodes.push(
        svg(
          'rect',
          {
            class: 'band-' + band.label.replace(/\s+/g, '-'),
            x: left,
            width: plotW,
            y: y(upper),
            height: y(band.from) - y(upper),
          },
          [],
        ),
      );
      nodes.push(
        svg('text', { x: left + plotW + 8, y: (y(upper) + y(band.from)) / 2 + 4 }, [
          narrow ? band.label : band.from + '–' + band.to + ' ' + band.label,
        ]),
      );
    });
    nodes.push(
      svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: top + plotH }, []),
      svg('line', { class: 'axis', x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH }, []),
    );
    [0, instrument.max].forEach(function (tick) {
      nodes.push(svg('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, [String(tick)]));
    });
    if (instrument.points.length) {
      nodes.push(
        svg(
          'polyline',
          {
            class: 'line',
            points: instrument.points
              .map(function (p, i) {
                return x(times[i]) + ',' + y(p.total);
              })
              .join(' '),
          },
          [],
        ),
      );
      instrument.points.forEach(function (p, i) {
        nodes.push(svg('circle', { class: 'point', cx: x(times[i]), cy: y(p.total), r: 5 }, []));
        // Each total written by its point: the value is readable without hovering or counting bands.
        var above = y(p.total) - 9 > top + 10;
        nodes.push(
          svg(
            'text',
            { class: 'value', x: x(times[i]), y: above ? y(p.total) - 9 : y(p.total) + 20, 'text-anchor': 'middle' },
            [String(p.total)],
          ),
        );
      });
      nodes.push(
        svg('text', { x: left, y: H - 8 }, [new Date(t0).toLocaleDateString()]),
        svg('text', { x: left + plotW, y: H - 8, 'text-anchor': 'end' }, [new Date(t1).toLocaleDateString()]),
      );
    } else {
      nodes.push(
        svg('text', { x: left + plotW / 2, y: top + plotH / 2, 'text-anchor': 'middle' }, ['No measures yet']),
      );
    }
    var picture = svg(
      'svg',
      {
        class: 'chart',
        viewBox: '0 0 ' + W + ' ' + H,
        width: W,
        height: H,
        role: 'img',
        'aria-labelledby': id + '-title ' + id + '-desc',
      },
      nodes,
    );
    var rows = instrument.points.map(function (p) {
      return el(
        'tr',
        {},
        [
          el('td', {}, [new Date(p.at).toLocaleDateString()]),
          el('td', {}, [String(p.total)]),
          el('td', {}, [p.band || '']),
          el('td', {}, [p.point]),
        ].concat(p.item9 !== undefined ? [el('td', {}, [p.item9 === null ? '' : String(p.item9)])] : []),
      );
    });
    var hasItem9 = instrument.points.some(function (p) {
      return p.item9 !== undefined;
    });
    var head = ['Date', 'Total', 'Band', 'Time point'].concat(hasItem9 ? ['Item 9'] : []).map(function (h) {
      return el('th', { scope: 'col' }, [h]);
    });
    var table = el('table', { class: 'sr-only' }, [
      el('caption', {}, [instrument.instrument + ' measures']),
      el('thead', {}, [el('tr', {}, head)]),
      el('tbody', {}, rows),
    ]);
    return el('figure', {}, [el('figcaption', {}, [instrument.instrument + summary(instrument)]), picture, table]);
  }

  function summary(instrument) {
    if (instrument.latest === null) return ': no measures yet';
    return (
      ': latest ' +
      instrument.latest +
      (instrument.changeFromBaseline !== null
        ? ' (' +
          (instrument.changeFromBaseline > 0 ? '+' : '') +
          instrument.changeFromBaseline +
          ' from baseline ' +
          instrument.baseline +
          ')'
        : '')
    );
  }

  function describe(instrument) {
    var bands = instrument.bands
      .map(function (b) {
        return b.from + ' to ' + b.to + ' ' + b.label;
      })
      .join(', ');
    return (
      instrument.instrument +
      ' totals from 0 to ' +
      instrument.max +
      ' over time, drawn over its severity bands (' +
      bands +
      '). ' +
      instrument.points.length +
      ' measures; see the table.'
    );
  }

  // Cohort report ----------------------------------------------------------------------------------

  function cohortQuery(format) {
    var params = new URLSearchParams({ instrument: $('cohort-instrument').value });
    if ($('cohort-group-type').value) params.set('groupType', $('cohort-group-type').value);
    if (format) params.set('format', format);
    return '/api/care-console/cohort-report?' + params.toString();
  }

  async function showCohort() {
    show('cohort');
    await loadCohort();
    focusHeading('cohort-heading');
  }

  async function loadCohort(event) {
    if (event) event.preventDefault();
    try {
      var report = await getJson(cohortQuery());
      var box = $('cohort-body');
      // The table keeps its columns on a phone: it scrolls inside its own box, never the page.
      box.replaceChildren(
        cohortChart(report),
        el('div', { class: 'scroll-x', tabindex: '0', role: 'region', 'aria-label': 'Cohort figures table' }, [
          cohortTable(report),
        ]),
      );
      say('');
    } catch (error) {
      say(error.message, true);
    }
  }

  var CELLS = [
    ['all', 'All members'],
    ['dosed', 'Dosed'],
    ['underDosed', 'Under-dosed'],
  ];
  function cellOf(report, key) {
    return key === 'all' ? report.all : report.byDose[key];
  }
  function figure(value) {
    return value === null || value === undefined ? '–' : String(Math.round(value * 10) / 10);
  }

  // A count is a number, or withheld: too small ("fewer than N") or withheld so that a small one cannot be worked out.
  function count(report, value) {
    if (typeof value === 'number') return String(value);
    return value.cause === 'small-cell' ? 'fewer than ' + report.smallCellThreshold : 'withheld';
  }
  function membersWithAMeasure(report) {
    var members = report.members;
    if (typeof members === 'number') return members + (members === 1 ? ' member' : ' members') + ' with a measure';
    return members.cause === 'small-cell'
      ? 'fewer than ' + report.smallCellThreshold + ' members with a measure'
      : 'members with a measure: withheld';
  }

  function cohortTable(report) {
    var rows = CELLS.map(function (c) {
      var cell = cellOf(report, c[0]);
      var label =
        c[1] +
        (c[0] === 'dosed'
          ? ' (≥ ' + report.doseSessions + ' sessions)'
          : c[0] === 'underDosed'
            ? ' (< ' + report.doseSessions + ')'
            : '');
      if (cell.suppressed)
        return el('tr', {}, [
          el('th', { scope: 'row' }, [label]),
          el('td', { colspan: '5' }, ['suppressed: ' + cell.reason]),
        ]);
      var ci = cell.meanChangeCi95
        ? ' (95% CI ' + figure(cell.meanChangeCi95.lower) + ' to ' + figure(cell.meanChangeCi95.upper) + ')'
        : '';
      var improvement = cell.meaningfulImprovement;
      var improved = improvement
        ? improvement.count + (improvement.share === null ? '' : ' (' + figure(improvement.share * 100) + '%)')
        : '–';
      return el('tr', {}, [
        el('th', { scope: 'row' }, [label]),
        el('td', {}, [String(cell.n)]),
        el('td', {}, [figure(cell.meanBaseline)]),
        el('td', {}, [figure(cell.meanFollowUp)]),
        el('td', {}, [figure(cell.meanChange) + ci]),
        el('td', {}, [improved]),
      ]);
    });
    var head = ['Cohort', 'n', 'Mean baseline', 'Mean follow-up', 'Mean change', 'Meaningfully improved'].map(
      function (h) {
        return el('th', { scope: 'col' }, [h]);
      },
    );
    return el('table', {}, [
      el('caption', {}, [
        report.instrument.toUpperCase() +
          ': ' +
          membersWithAMeasure(report) +
          '; missing baseline ' +
          count(report, report.missing.baseline) +
          ', missing follow-up ' +
          count(report, report.missing.followUp) +
          '; counts under ' +
          report.smallCellThreshold +
          ' withheld',
      ]),
      el('thead', {}, [el('tr', {}, head)]),
      el('tbody', {}, rows),
    ]);
  }

  // Grouped bars: mean baseline and mean follow-up per cohort cell; suppressed cells say so.
  function cohortChart(report) {
    var W = chartWidth($('cohort-body'), 640),
      H = 250,
      left = 40,
      top = 40,
      bottom = 40,
      plotH = H - top - bottom,
      groupW = (W - left - 40) / 3;
    var barW = groupW * 0.3,
      gap = groupW * 0.055,
      mid = barW + gap / 2;
    var max = Math.max.apply(
      null,
      CELLS.map(function (c) {
        var cell = cellOf(report, c[0]);
        return cell.suppressed ? 0 : Math.max(cell.meanBaseline || 0, cell.meanFollowUp || 0);
      }).concat([1]),
    );
    var y = function (v) {
      return top + plotH - (v / max) * plotH;
    };
    var nodes = [
      svg('title', { id: 'cohort-chart-title' }, [
        'Mean ' + report.instrument.toUpperCase() + ' at baseline and follow-up, all members and by dose',
      ]),
      svg('desc', { id: 'cohort-chart-desc' }, ['The same figures are in the table below.']),
    ];
    nodes.push(svg('line', { class: 'axis', x1: left, y1: top + plotH, x2: W - 10, y2: top + plotH }, []));
    CELLS.forEach(function (c, i) {
      var cell = cellOf(report, c[0]);
      var x0 = left + 20 + i * groupW;
      if (cell.suppressed || cell.meanBaseline === null) {
        nodes.push(
          svg('text', { x: x0 + mid, y: top + plotH - 10, 'text-anchor': 'middle' }, [
            cell.suppressed ? 'suppressed' : 'no data',
          ]),
        );
      } else {
        nodes.push(
          svg(
            'rect',
            {
              class: 'bar-baseline',
              x: x0,
              width: barW,
              y: y(cell.meanBaseline),
              height: top + plotH - y(cell.meanBaseline),
            },
            [],
          ),
        );
        nodes.push(
          svg(
            'rect',
            {
              class: 'bar-follow-up',
              x: x0 + barW + gap,
              width: barW,
              y: y(cell.meanFollowUp),
              height: top + plotH - y(cell.meanFollowUp),
            },
            [],
          ),
        );
        nodes.push(
          svg('text', { x: x0 + barW / 2, y: y(cell.meanBaseline) - 4, 'text-anchor': 'middle' }, [
            figure(cell.meanBaseline),
          ]),
          svg('text', { x: x0 + barW * 1.5 + gap, y: y(cell.meanFollowUp) - 4, 'text-anchor': 'middle' }, [
            figure(cell.meanFollowUp),
          ]),
        );
      }
      nodes.push(svg('text', { x: x0 + mid, y: H - 20, 'text-anchor': 'middle' }, [c[1]]));
    });
    nodes.push(
      svg('rect', { class: 'bar-baseline', x: W - 200, y: 6, width: 10, height: 10 }, []),
      svg('text', { x: W - 186, y: 15 }, ['baseline']),
    );
    nodes.push(
      svg('rect', { class: 'bar-follow-up', x: W - 110, y: 6, width: 10, height: 10 }, []),
      svg('text', { x: W - 96, y: 15 }, ['follow-up']),
    );
    return el('figure', {}, [
      svg(
        'svg',
        {
          class: 'chart',
          viewBox: '0 0 ' + W + ' ' + H,
          width: W,
          height: H,
          role: 'img',
          'aria-labelledby': 'cohort-chart-title cohort-chart-desc',
        },
        nodes,
      ),
    ]);
  }

  // A link cannot carry the bearer token: fetch the CSV and hand it to the browser as a download.
  async function downloadCsv() {
    try {
      var response = await api(cohortQuery('csv'));
      var url = URL.createObjectURL(await response.blob());
      var link = el('a', { href: url, download: 'cohort-report-' + $('cohort-instrument').value + '.csv' }, []);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(function () {
        URL.revokeObjectURL(url);
      }, 10000);
      say('Cohort report downloaded as CSV.');
    } catch (error) {
      say(error.message, true);
    }
  }

  // Wiring -----------------------------------------------------------------------------------------

  function signedIn() {
    if (location.hash === '' || location.hash === '#/home') route();
    else location.hash = '#/home';
  }

  function signOut() {
    window.ccTimeline.signOut();
    state.role = null;
    state.id = null;
    state.member = null;
    show(null);
    $('nav').hidden = true;
    $('signin').hidden = false;
    history.replaceState(null, '', location.pathname);
    say('Signed out.');
  }

  document.addEventListener('cc:signed-in', signedIn);
  // A new alert for the member on screen: show it in the alerts list too, once liaison has it.
  document.addEventListener('cc:timeline-entry', function (event) {
    if (event.detail && event.detail.kind === 'alert' && state.member) refreshSoon([0, 1500, 4000]);
  });
  window.addEventListener('hashchange', route);
  $('attendance-form').addEventListener('submit', saveAttendance);
  $('cohort-form').addEventListener('submit', loadCohort);
  $('cohort-csv').addEventListener('click', downloadCsv);
  $('sign-out').addEventListener('click', signOut);
  route();
})();
