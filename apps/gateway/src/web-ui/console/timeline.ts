// A member's care timeline: filters by kind, and live updates read from the gateway's event stream.
import { $, el, tell, when } from './dom.js';
import { authHeaders, onSignedOut, token } from './session.js';
import type { TimelineEntry } from './types.js';

const state = {
  entries: new Map<string, TimelineEntry>(),
  stream: null as AbortController | null,
};
const entryListeners: ((entry: TimelineEntry) => void)[] = [];

function status(text: string, isError = false): void {
  tell('status', text, isError);
}

function selectedKinds(): string[] {
  return Array.from(document.querySelectorAll<HTMLInputElement>('input[name="types"]:checked')).map((box) => box.value);
}

/** The same fact delivered twice (another event id, same time, kind and sentence) is shown once. */
function sameFact(entry: TimelineEntry): string {
  return `${entry.at}|${entry.type}|${entry.sentence}`;
}

/** A kind as the filters name it (page.ts renders their labels). */
function kindLabel(kind: string): string {
  return document.querySelector(`label[for="kind-${kind}"]`)?.textContent ?? kind;
}

/** An alert's later steps, each also an entry of its own: shown once, on the alert's entry (its lifecycle). */
const ALERT_STEPS = ['AlertAcknowledged', 'AlertEscalated', 'AlertResolved'];

function render(): void {
  const kinds = selectedKinds();
  const shown = new Map<string, TimelineEntry>();
  const all = Array.from(state.entries.values());
  const alertsShown = new Set(all.filter((entry) => entry.alert).map((entry) => entry.alert?.alertId));
  const newestFirst = all.sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
  for (const entry of newestFirst) {
    const stepOfShownAlert =
      ALERT_STEPS.includes(entry.type) && alertsShown.has(String(entry.details?.['alertId'] ?? ''));
    if (kinds.indexOf(entry.kind) >= 0 && !stepOfShownAlert && !shown.has(sameFact(entry)))
      shown.set(sameFact(entry), entry);
  }
  $('timeline').replaceChildren(...Array.from(shown.values(), renderEntry));
}

function renderEntry(entry: TimelineEntry): HTMLLIElement {
  const severity = entry.severity || 'none';
  // Spaces between the badges and the sentence: read aloud and copied as words, not run together.
  const badges: (HTMLElement | string)[] = [el('span', { class: 'badge' }, [kindLabel(entry.kind)]), ' '];
  if (entry.severity) badges.push(el('span', { class: 'badge sev' }, [entry.severity]), ' ');
  // When it happened; when it was recorded on hover (title), if the server knows.
  const time = el('time', { datetime: entry.at }, [when(entry.at)]);
  if (entry.recordedAt) time.title = 'Recorded ' + when(entry.recordedAt);
  const item = el('li', { class: 'entry sev-' + severity, 'data-kind': entry.kind, 'data-type': entry.type }, [
    el('h4', {}, [...badges, entry.sentence]),
    el('p', { class: 'meta' }, [time, entry.redacted ? ' · some details are not shown to your role' : '']),
  ]);
  if (entry.alert) {
    const steps = entry.alert.steps.map(
      (step) => step.state + ' ' + when(step.at) + (step.level ? ' (level ' + step.level + ')' : ''),
    );
    item.append(el('p', { class: 'lifecycle' }, ['Alert status: ' + entry.alert.status + ' — ' + steps.join(' → ')]));
  }
  return item;
}

/** Loads every page of the member's timeline, then follows it live. */
export async function loadTimeline(member: string): Promise<void> {
  $<HTMLInputElement>('member-id').value = member;
  if (!token()) {
    status('Sign in first.', true);
    return;
  }
  state.stream?.abort();
  state.entries = new Map();
  render();
  status('Loading…');
  let cursor: string | null = null;
  for (let page = 0; page < 50; page++) {
    const url =
      '/api/members/' +
      encodeURIComponent(member) +
      '/timeline?limit=200' +
      (cursor ? '&cursor=' + encodeURIComponent(cursor) : '');
    const response = await fetch(url, { headers: authHeaders() });
    if (response.status === 401) return status('Your sign-in has expired: sign in again.', true);
    if (response.status === 403) return status('You may not see this member’s timeline.', true);
    if (!response.ok) return status('The timeline could not be loaded (' + response.status + ').', true);
    const body = (await response.json()) as { entries: TimelineEntry[]; nextCursor: string | null };
    for (const entry of body.entries) state.entries.set(entry.id, entry);
    cursor = body.nextCursor;
    if (!cursor) break;
  }
  render();
  status(state.entries.size + ' entries. Updating live.');
  follow(member);
}

/** The member's entries loaded so far (for the charts' marks). */
export function timelineEntries(): TimelineEntry[] {
  return Array.from(state.entries.values());
}

export function stopTimeline(): void {
  state.stream?.abort();
  state.stream = null;
}

/** Hears each entry that arrives live (a new alert about the member on screen). */
export function onTimelineEntry(listener: (entry: TimelineEntry) => void): void {
  entryListeners.push(listener);
}

// EventSource cannot send an Authorization header: read the event stream through fetch instead.
async function follow(member: string): Promise<void> {
  const controller = new AbortController();
  state.stream = controller;
  try {
    const response = await fetch('/api/members/' + encodeURIComponent(member) + '/timeline/stream', {
      headers: authHeaders(),
      signal: controller.signal,
    });
    if (!response.ok || !response.body) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) break;
      buffer += chunk.value;
      const blocks = buffer.split('\n\n');
      buffer = blocks.pop() ?? '';
      for (const block of blocks) {
        const lines = block.split('\n');
        const data = lines
          .filter((line) => line.indexOf('data: ') === 0)
          .map((line) => line.slice(6))
          .join('\n');
        if (!data) continue;
        // The server ends the stream when the token expires or the session is signed out.
        if (lines.indexOf('event: end') !== -1) {
          status('Live updates ended: your sign-in has expired or ended; sign in again.', true);
          continue;
        }
        const entry = JSON.parse(data) as TimelineEntry;
        state.entries.set(entry.id, entry);
        render();
        status(state.entries.size + ' entries. New: ' + entry.sentence);
        entryListeners.forEach((listener) => listener(entry));
      }
    }
  } catch (error) {
    if ((error as { name?: string } | null)?.name !== 'AbortError')
      status('Live updates stopped; reload the timeline.', true);
  }
}

// The member form opens the member's view (its route), which loads the timeline.
function openMember(event: Event): void {
  event.preventDefault();
  const input = $<HTMLInputElement>('member-id');
  if (!input.checkValidity()) {
    status('A member id looks like mbr_ followed by 6-64 letters, digits, _ or -.', true);
    return;
  }
  location.hash = '#/members/' + encodeURIComponent(input.value.trim());
}

export function startTimeline(): void {
  $('member-form').addEventListener('submit', openMember);
  $('filters').addEventListener('change', render);
  onSignedOut(() => {
    stopTimeline();
    state.entries = new Map();
    render();
  });
}
