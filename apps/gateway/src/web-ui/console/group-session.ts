// A group session for its facilitator: the roster, who is present, a short note per member and their
// progress towards the dose, saved in one go (scheduling takes the whole sheet or none of it).
import { api, getJson } from './api.js';
import { $, el, focusHeading, messageOf, say, when } from './dom.js';
import { learnNames, rosterNameOf } from './people.js';
import { show, type Screen } from './shell.js';

interface GroupSessionMember {
  memberId: string;
  status: string | null;
  note: string;
  dose: { attended: number; dose: number; doseReached: boolean };
}

interface GroupSession {
  groupId: string;
  session: { sessionId: string; startsAt: string; endsAt: string; status: string; started: boolean };
  members: GroupSessionMember[];
  /** Names by member id, for the members the reader may see. */
  names?: Record<string, string>;
}

/** Scheduling's limit for a note; the gateway refuses longer ones too. */
const NOTE_MAX_LENGTH = 500;
const ATTENDED = ['attended-in-person', 'attended-online'];
const NOT_ATTENDED = ['absent', 'excused'];
let current: GroupSession | null = null;

const pathOf = (groupId: string, sessionId: string) =>
  '/api/care-console/groups/' +
  encodeURIComponent(groupId) +
  '/sessions/' +
  encodeURIComponent(sessionId) +
  '/group-session';

function doseText(member: GroupSessionMember): string {
  return (
    'Dose: ' +
    member.dose.attended +
    ' of ' +
    member.dose.dose +
    ' sessions' +
    (member.dose.doseReached ? ' (dose reached)' : '')
  );
}

function render(view: GroupSession): void {
  current = view;
  learnNames(view.names);
  $('group-session-heading').textContent = 'Group session of ' + when(view.session.startsAt) + ' · ' + view.groupId;
  $('group-session-meta').textContent = view.session.started
    ? 'Tick who is present, add a short note where it helps the care team, then save: the whole session is saved together.'
    : 'This session has not started yet: attendance and notes can be taken once it has.';
  const rows = view.members.map((member, index) => {
    const who = rosterNameOf(member.memberId, index);
    const present = el('input', { type: 'checkbox', id: 'gs-present-' + index, 'data-member': member.memberId }, []);
    present.checked = member.status !== null && ATTENDED.includes(member.status);
    const note = el(
      'textarea',
      {
        id: 'gs-note-' + index,
        rows: '2',
        maxlength: String(NOTE_MAX_LENGTH),
        'aria-describedby': 'gs-note-hint-' + index,
      },
      [],
    );
    note.value = member.note;
    if (!view.session.started) present.disabled = note.disabled = true;
    return el('fieldset', { class: 'group-session-member' }, [
      el('legend', {}, [who]),
      el('p', { class: 'dose', id: 'gs-dose-' + index }, [doseText(member)]),
      el('span', { class: 'present' }, [present, el('label', { for: 'gs-present-' + index }, ['Present'])]),
      el('label', { for: 'gs-note-' + index }, ['Note about ' + who + ' (optional)']),
      note,
      el('p', { class: 'meta', id: 'gs-note-hint-' + index }, [
        'For the group’s facilitators and the member’s care team; up to ' + NOTE_MAX_LENGTH + ' characters.',
      ]),
    ]);
  });
  $('group-session-members').replaceChildren(
    ...(rows.length ? rows : [el('p', {}, ['No one is enrolled in this group yet.'])]),
  );
  const closed = !view.session.started || !rows.length;
  $<HTMLButtonElement>('save-group-session').disabled = closed;
  $<HTMLButtonElement>('mark-all-present').disabled = closed;
}

/** Present keeps an online attendance as it was; not present keeps an excused absence as it was. */
function statusOf(previous: string | null, present: boolean): string {
  if (present) return previous !== null && ATTENDED.includes(previous) ? previous : 'attended-in-person';
  return previous !== null && NOT_ATTENDED.includes(previous) ? previous : 'absent';
}

async function save(event: Event): Promise<void> {
  event.preventDefault();
  const view = current;
  if (!view) return;
  const entries = view.members.map((member, index) => ({
    memberId: member.memberId,
    status: statusOf(member.status, $<HTMLInputElement>('gs-present-' + index).checked),
    note: $<HTMLTextAreaElement>('gs-note-' + index).value,
  }));
  try {
    const response = await api(pathOf(view.groupId, view.session.sessionId), { method: 'PUT', json: { entries } });
    render((await response.json()) as GroupSession);
    say('Group session saved.');
  } catch (error) {
    say(messageOf(error), true);
  }
}

function markAllPresent(): void {
  document
    .querySelectorAll<HTMLInputElement>('#group-session-members input[type=checkbox]')
    .forEach((box) => (box.checked = true));
  say('Everyone is marked present: untick anyone who is not here, then save.');
}

export const groupSessionScreen: Screen = {
  view: 'group-session',
  match: (parts) =>
    parts[0] === 'groups' && parts[2] === 'sessions' && parts[3] && parts[4] === 'group' ? [parts[1], parts[3]] : null,
  async show(groupId: string, sessionId: string) {
    show('group-session');
    render(await getJson<GroupSession>(pathOf(groupId, sessionId)));
    focusHeading('group-session-heading');
  },
};

export function startGroupSession(): void {
  $('group-session-form').addEventListener('submit', save);
  $('mark-all-present').addEventListener('click', markAllPresent);
}
