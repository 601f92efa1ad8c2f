// A member's page: their alerts, PHQ-9/GAD-7 charts and care timeline. The alerts answer first: a refusal
// (not this reader's member) shows nothing of the member at all.
import { ApiError, getJson } from './api.js';
import { alertCard } from './alerts.js';
import { outcomeChart } from './charts.js';
import { $, el, focusHeading, messageOf, say, when } from './dom.js';
import { loadMedications } from './medications.js';
import { learnNames, nameOf } from './people.js';
import { refreshSoon, show, type Screen } from './shell.js';
import { loadTimeline, onTimelineEntry, stopTimeline, timelineEntries } from './timeline.js';
import type { ChartMarker, ConsoleAlert, InstrumentSeries, TimelineEntry } from './types.js';

let shownMember: string | null = null;
let instruments: InstrumentSeries[] = [];

/** Medicines started and group sessions attended, as the timeline words them for this reader. */
function markersOf(entries: readonly TimelineEntry[]): ChartMarker[] {
  const markers: ChartMarker[] = [];
  for (const entry of entries) {
    const details = entry.details ?? {};
    if (entry.type === 'MedicationChanged' && details['change'] === 'started')
      markers.push({ at: entry.at, kind: 'medication', label: entry.sentence });
    else if (entry.type === 'AttendanceRecorded' && String(details['status'] ?? '').startsWith('attended'))
      markers.push({ at: entry.at, kind: 'session', label: entry.sentence });
  }
  return markers;
}

function drawCharts(): void {
  const box = $('outcomes');
  const markers = markersOf(timelineEntries());
  box.replaceChildren(...instruments.map((instrument) => outcomeChart(instrument, box, markers)));
}

/** PHQ-9 item 9 above zero at the latest PHQ-9: a red flag at the top of the member's page (never the answer). */
function showItem9Flag(): void {
  const flaggedAt = instruments.find((instrument) => instrument.item9FlaggedAt)?.item9FlaggedAt;
  const flag = $('member-flag');
  flag.hidden = !flaggedAt;
  flag.textContent = flaggedAt
    ? 'Safety flag: the latest PHQ-9 (' + when(flaggedAt) + ') answered item 9, thoughts of self-harm, above zero.'
    : '';
}

async function loadMemberAlerts(memberId: string): Promise<void> {
  const body = await getJson<{ alerts: ConsoleAlert[]; names?: Record<string, string> }>(
    '/api/care-console/members/' + encodeURIComponent(memberId) + '/alerts',
  );
  if (shownMember !== memberId) return;
  learnNames(body.names);
  $('member-heading').textContent = nameOf(memberId);
  $('member-alerts').replaceChildren(
    ...(body.alerts.length ? body.alerts.map((alert) => alertCard(alert, 'member')) : [el('li', {}, ['No alerts.'])]),
  );
}

async function loadOutcomes(memberId: string): Promise<void> {
  const body = await getJson<{ instruments: InstrumentSeries[] }>(
    '/api/care-console/members/' + encodeURIComponent(memberId) + '/outcomes',
  );
  if (shownMember !== memberId) return;
  instruments = body.instruments;
  showItem9Flag();
  drawCharts();
}

export function startMember(): void {
  // A new alert for the member on screen: show it in the alerts list too, once liaison has it.
  onTimelineEntry((entry) => {
    if (entry.kind === 'alert' && shownMember) refreshSoon([0, 1500, 4000]);
  });
}

export const memberScreen: Screen = {
  view: 'member',
  match: (parts) => (parts[0] === 'members' && parts[1] ? [parts[1]] : null),
  async show(memberId: string) {
    show('member');
    shownMember = memberId;
    $('member-heading').textContent = 'Member ' + memberId;
    $('member-alerts').replaceChildren();
    $('outcomes').replaceChildren();
    instruments = [];
    showItem9Flag();
    focusHeading('member-heading');
    try {
      await loadMemberAlerts(memberId);
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) {
        $('member').hidden = true;
        throw error;
      }
      say(messageOf(error), true);
    }
    const results = await Promise.allSettled([
      loadOutcomes(memberId),
      loadMedications(memberId, () => shownMember === memberId),
      loadTimeline(memberId),
    ]);
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) say(messageOf(failed.reason), true);
    else if (shownMember === memberId) drawCharts(); // now with the timeline's marks
  },
  refresh: async () => {
    if (shownMember) await loadMemberAlerts(shownMember);
  },
  leave: stopTimeline,
};
