// Each role's home: what needs attention first, then a facilitator's groups or a clinician's members.
import { getJson } from './api.js';
import { memberLink, needsAttention } from './alerts.js';
import { $, el, focusHeading, when } from './dom.js';
import { learnNames, nameOf } from './people.js';
import { show, type Screen } from './shell.js';
import type { Home, HomeGroup } from './types.js';

async function loadHome(): Promise<void> {
  const home = await getJson<Home>('/api/care-console/home');
  learnNames(home.names);
  const body = $('home-body');
  if (home.role === 'facilitator') body.replaceChildren(...facilitatorHome(home));
  else if (home.role === 'clinician') body.replaceChildren(...clinicianHome(home));
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

function groupCard(group: HomeGroup): HTMLElement {
  const rows = group.roster.map((member) =>
    el('tr', {}, [
      el('th', { scope: 'row' }, [memberLink(member.memberId)]),
      el('td', {}, [
        el(
          'progress',
          {
            max: String(member.dose),
            value: String(Math.min(member.attended, member.dose)),
            'aria-label': 'Dose progress of ' + nameOf(member.memberId),
          },
          [],
        ),
        ' ' + member.attended + ' of ' + member.dose + ' sessions' + (member.doseReached ? ' (dose reached)' : ''),
      ]),
    ]),
  );
  const sessions = group.sessions.map((session) => {
    const label =
      'Session ' +
      when(session.startsAt) +
      (session.started ? ' · attendance ' + session.recorded + ' of ' + group.roster.length : ' · not started yet');
    const href = '#/groups/' + encodeURIComponent(group.groupId) + '/sessions/' + encodeURIComponent(session.sessionId);
    return el('li', {}, [
      el('a', { href }, [label]),
      ' · ',
      el('a', { href: href + '/group' }, ['Group session of ' + when(session.startsAt)]),
    ]);
  });
  return el('article', { class: 'group', 'aria-labelledby': 'g-' + group.groupId }, [
    el('h3', { id: 'g-' + group.groupId }, [group.groupId + (group.groupType ? ' (' + group.groupType + ')' : '')]),
    el('table', {}, [
      el('caption', {}, ['Roster and dose progress']),
      el('thead', {}, [
        el('tr', {}, [el('th', { scope: 'col' }, ['Member']), el('th', { scope: 'col' }, ['Sessions attended'])]),
      ]),
      el('tbody', {}, rows),
    ]),
    el('h4', {}, ['Take attendance']),
    el('ul', {}, sessions),
  ]);
}

function facilitatorHome(home: Home): HTMLElement[] {
  const parts: HTMLElement[] = [...needsAttention(home, 'home'), el('h3', {}, ['My groups'])];
  if (!home.groups.length) parts.push(el('p', {}, ['You facilitate no groups yet.']));
  parts.push(...home.groups.map(groupCard));
  const upcoming = home.upcomingSessions.map((session) =>
    el('li', {}, [when(session.startsAt) + ' · ' + session.groupId]),
  );
  parts.push(
    el('h3', {}, ['Next sessions']),
    upcoming.length ? el('ul', {}, upcoming) : el('p', {}, ['No sessions ahead.']),
  );
  return parts;
}

function clinicianHome(home: Home): HTMLElement[] {
  const members = home.members.map((memberId) => el('li', {}, [memberLink(memberId)]));
  return [
    ...needsAttention(home, 'home'),
    el('h3', {}, ['My members']),
    members.length
      ? el('ul', { 'aria-label': 'My care-team members' }, members)
      : el('p', {}, ['You are on no member’s care team yet.']),
  ];
}

/** The home answers any route no other screen takes. */
export const homeScreen: Screen = {
  view: 'home',
  match: (parts) => (parts[0] === 'home' ? [] : null),
  async show() {
    show('home');
    await loadHome();
    focusHeading('home-heading');
  },
  refresh: loadHome,
};
