// A session's attendance sheet: each member's attendance, and reporting acute distress seen in the session.
import { api, getJson } from './api.js';
import { $, el, focusHeading, messageOf, say, when } from './dom.js';
import { learnNames, rosterNameOf } from './people.js';
import { show, type Screen } from './shell.js';
import type { AttendanceSheet } from './types.js';

const STATUSES: readonly [string, string][] = [
  ['attended-in-person', 'In person'],
  ['attended-online', 'Online'],
  ['absent', 'Absent'],
  ['excused', 'Excused'],
];
let current: AttendanceSheet | null = null;

function renderSheet(sheet: AttendanceSheet): void {
  learnNames(sheet.names);
  $('session-heading').textContent = 'Session of ' + when(sheet.session.startsAt) + ' · ' + sheet.groupId;
  $('session-meta').textContent = sheet.session.started
    ? 'Choose each member’s attendance, then save. Saved entries can be corrected.'
    : 'This session has not started yet: attendance can be taken once it has.';
  const members = sheet.members.map((member, index) => {
    const who = rosterNameOf(member.memberId, index);
    const name = 'att-' + index;
    const options = STATUSES.map(([value, label]) => {
      const id = name + '-' + value;
      const input = el('input', { type: 'radio', id, name, value, 'data-member': member.memberId }, []);
      if (member.status === value) input.checked = true;
      if (!sheet.session.started) input.disabled = true;
      return el('span', {}, [input, el('label', { for: id }, [label])]);
    });
    return el('fieldset', { class: 'attendance-member' }, [
      el('legend', {}, [who + (member.status ? '' : ' (not yet recorded)')]),
      ...options,
      distressControl(sheet, member.memberId, who, index),
    ]);
  });
  $('attendance-members').replaceChildren(
    ...(members.length ? members : [el('p', {}, ['No one is enrolled in this group yet.'])]),
  );
  $<HTMLButtonElement>('save-attendance').disabled = !sheet.session.started || !members.length;
}

// Acute distress seen in the session: a button, then a confirmation (with an optional note) before
// anything is sent; the attending psychiatrist is alerted at once. The report id is chosen when the
// confirmation opens, so sending again after a failure is the same report, never a second one.
function distressControl(sheet: AttendanceSheet, memberId: string, who: string, index: number): HTMLElement {
  const box = el('div', { class: 'distress' }, []);
  const open = el(
    'button',
    { type: 'button', class: 'secondary', 'aria-expanded': 'false', 'aria-controls': 'distress-' + index },
    ['Report acute distress'],
  );
  const panel = el(
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
  const noteId = 'distress-note-' + index;
  const note = el('textarea', { id: noteId, rows: '2', maxlength: '280' }, []);
  const send = el('button', { type: 'button', class: 'danger' }, ['Send report']);
  const cancel = el('button', { type: 'button', class: 'secondary' }, ['Cancel']);
  const title = el('p', { id: 'distress-title-' + index, class: 'distress-title', tabindex: '-1' }, [
    'Report acute distress for ' + who + '? Their attending psychiatrist is alerted now, as critical.',
  ]);
  let reportId: string | null = null;
  panel.append(
    title,
    el('label', { for: noteId }, ['What you saw (optional, for the care team)']),
    note,
    el('div', { class: 'actions' }, [send, cancel]),
  );
  const close = () => {
    panel.hidden = true;
    open.setAttribute('aria-expanded', 'false');
    open.focus();
  };
  open.addEventListener('click', () => {
    reportId = window.crypto?.randomUUID ? window.crypto.randomUUID() : null;
    panel.hidden = false;
    open.setAttribute('aria-expanded', 'true');
    title.focus();
  });
  cancel.addEventListener('click', close);
  send.addEventListener('click', async () => {
    send.disabled = true;
    try {
      const report: Record<string, string> = { groupId: sheet.groupId, sessionId: sheet.session.sessionId };
      if (reportId) report['reportId'] = reportId;
      if (note.value.trim()) report['note'] = note.value.trim();
      await api('/api/care-console/members/' + encodeURIComponent(memberId) + '/distress-reports', {
        method: 'POST',
        json: report,
      });
      note.value = '';
      close();
      say('Acute distress reported for ' + who + ': their attending psychiatrist has been alerted.');
    } catch (error) {
      say(messageOf(error), true);
    } finally {
      send.disabled = false;
    }
  });
  box.append(open, panel);
  return box;
}

async function saveAttendance(event: Event): Promise<void> {
  event.preventDefault();
  const sheet = current;
  if (!sheet) return;
  const entries = Array.from(
    document.querySelectorAll<HTMLInputElement>('#attendance-members input[type=radio]:checked'),
  ).map((input) => ({ memberId: input.getAttribute('data-member'), status: input.value }));
  if (!entries.length) {
    say('Choose attendance for at least one member.', true);
    return;
  }
  try {
    const response = await api(
      '/api/care-console/groups/' +
        encodeURIComponent(sheet.groupId) +
        '/sessions/' +
        encodeURIComponent(sheet.session.sessionId) +
        '/attendance',
      { method: 'PUT', json: { entries } },
    );
    const saved = (await response.json()) as { sheet: AttendanceSheet; saved: number };
    current = saved.sheet;
    renderSheet(saved.sheet);
    say('Attendance saved (' + saved.saved + ' ' + (saved.saved === 1 ? 'change' : 'changes') + ').');
  } catch (error) {
    say(messageOf(error), true);
  }
}

export function startAttendance(): void {
  $('attendance-form').addEventListener('submit', saveAttendance);
}

export const attendanceScreen: Screen = {
  view: 'session',
  match: (parts) => (parts[0] === 'groups' && parts[2] === 'sessions' && parts[3] ? [parts[1], parts[3]] : null),
  async show(groupId: string, sessionId: string) {
    show('session');
    const sheet = await getJson<AttendanceSheet>(
      '/api/care-console/groups/' + encodeURIComponent(groupId) + '/sessions/' + encodeURIComponent(sessionId),
    );
    current = sheet;
    renderSheet(sheet);
    focusHeading('session-heading');
  },
};
