// Alerts: the cards (acknowledge, override with a reason, resolve), what needs attention on a home, and the inbox.
import { api, getJson } from './api.js';
import { $, el, focusHeading, messageOf, say, when } from './dom.js';
import { learnNames, nameOf } from './people.js';
import { refreshSoon, show, type Screen } from './shell.js';
import type { ConsoleAlert, Home } from './types.js';

/** Where a card is drawn: its form controls' ids must differ between a home, the inbox and a member. */
export type Where = 'home' | 'inbox' | 'member';

const STATE_NAMES: readonly [string, string][] = [
  ['new', 'New'],
  ['escalated', 'Escalated'],
  ['acknowledged', 'Acknowledged'],
  ['resolved', 'Resolved'],
];
const DONE_ON_HOME = 5;
/** Liaison's rule for a PHQ-9 item 9 answer above zero (DOMAIN.md coordination rule 2). */
const ITEM9_RULE = 'suicidal-ideation';

export function memberLink(memberId: string): HTMLAnchorElement {
  return el('a', { href: '#/members/' + encodeURIComponent(memberId) }, [nameOf(memberId)]);
}

// What needs attention comes first on every home: open alerts, most severe then soonest to escalate
// (the gateway's order), counts per state, and a Done list so an acknowledged alert stays in sight.
export function needsAttention(home: Home, where: Where): HTMLElement[] {
  const counts = home.alertCounts || {};
  const done = where === 'home' ? home.doneAlerts.slice(0, DONE_ON_HOME) : home.doneAlerts;
  const headingId = 'attention-' + where;
  return [
    el('section', { class: 'attention', 'aria-labelledby': headingId, 'data-section': 'needs-attention' }, [
      el('h3', { id: headingId }, ['Needs attention (' + home.openAlerts.length + ' open)']),
      el(
        'ul',
        { class: 'counts', 'aria-label': 'My alerts by state' },
        STATE_NAMES.map(([key, name]) =>
          el('li', { 'data-state': key }, [name + ' ', el('strong', {}, [String(counts[key] || 0)])]),
        ),
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

function alertList(alerts: readonly ConsoleAlert[], where: Where, label: string, empty: string): HTMLElement {
  if (!alerts.length) return el('p', {}, [empty]);
  return el(
    'ul',
    { class: 'alerts', 'aria-label': label },
    alerts.map((alert) => alertCard(alert, where)),
  );
}

// Who acted and when (the gateway's copy of liaison's events; a moment after an action it may not have them yet).
function lifecycle(alert: ConsoleAlert): HTMLElement {
  const lines: string[] = [];
  if (alert.open && alert.dueAt && !alert.escalated)
    lines.push(
      (Date.parse(alert.dueAt) < Date.now() ? 'Escalation due since ' : 'Escalates ') +
        when(alert.dueAt) +
        ' unless acknowledged',
    );
  if (alert.escalated) lines.push('Escalated to level ' + alert.escalated.level + ' ' + when(alert.escalated.at));
  const ack = alert.acknowledged;
  if (ack)
    lines.push(
      (ack.outcome === 'overridden' ? 'Overridden' : 'Acknowledged') +
        ' by ' +
        nameOf(ack.by) +
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
  if (ack && alert.overrideReason) lines.push('Reason: ' + alert.overrideReason);
  if (alert.resolved) lines.push('Resolved by ' + nameOf(alert.resolved.by) + ', ' + when(alert.resolved.at));
  return lines.length
    ? el(
        'ul',
        { class: 'lifecycle' },
        lines.map((line) => el('li', {}, [line])),
      )
    : el('span', {}, []);
}

export function alertCard(alert: ConsoleAlert, where: Where): HTMLLIElement {
  const escalation =
    alert.escalationLevel > 0
      ? el('span', { class: 'badge escalated' }, ['escalated to level ' + alert.escalationLevel])
      : el('span', { class: 'badge state' }, ['not escalated']);
  const card = el(
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
  // PHQ-9 item 9 above zero: flagged red on its row (the fact only, never the answer).
  if (alert.rule === ITEM9_RULE)
    card.append(el('p', { class: 'flag' }, ['PHQ-9 item 9, thoughts of self-harm, answered above zero']));
  if (alert.state) card.append(lifecycle(alert));
  if (alert.detail && alert.detail !== alert.summary) card.append(el('p', {}, [alert.detail.replace(/\*\*/g, '')]));
  if (alert.open || alert.status === 'acknowledged') card.append(alertActions(alert, where));
  return card;
}

function alertActions(alert: ConsoleAlert, where: Where): HTMLElement {
  const reasonId = 'reason-' + where + '-' + alert.alertId;
  const actions = el('div', { class: 'actions' }, []);
  if (alert.open) {
    const accept = el('button', { type: 'button' }, ['Acknowledge']);
    accept.addEventListener('click', () => act(alert, 'acknowledgement', { outcome: 'accepted' }, 'Acknowledged'));
    const reason = el('textarea', { id: reasonId, rows: '2', maxlength: '500' }, []);
    const override = el('button', { type: 'button', class: 'secondary' }, ['Override with reason']);
    override.addEventListener('click', () => {
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
  const resolve = el('button', { type: 'button', class: 'secondary' }, ['Resolve']);
  resolve.addEventListener('click', () => act(alert, 'resolution', {}, 'Resolved'));
  actions.append(resolve);
  return actions;
}

async function act(alert: ConsoleAlert, step: string, body: object, done: string): Promise<void> {
  try {
    await api('/api/care-console/alerts/' + encodeURIComponent(alert.alertId) + '/' + step, {
      method: 'POST',
      json: body,
    });
    say(done + ': ' + alert.summary);
    // Liaison applies the change to its inbox within moments: look again until it shows.
    refreshSoon([300, 1000, 2500, 5000]);
  } catch (error) {
    say(messageOf(error), true);
  }
}

async function loadInbox(): Promise<void> {
  const home = await getJson<Home>('/api/care-console/home');
  learnNames(home.names);
  $('inbox').replaceChildren(
    ...(home.openAlerts
      ? needsAttention(home, 'inbox')
      : [el('p', {}, ['Only facilitators and clinicians have alerts.'])]),
  );
}

export const inboxScreen: Screen = {
  view: 'alerts',
  match: (parts) => (parts[0] === 'alerts' ? [] : null),
  async show() {
    show('alerts');
    await loadInbox();
    focusHeading('alerts-heading');
  },
  refresh: loadInbox,
};
