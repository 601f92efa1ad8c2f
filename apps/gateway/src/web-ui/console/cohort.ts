// The programme lead's cohort report: mean change by dose, as grouped bars and a table, and a CSV download.
import { api, getJson } from './api.js';
import { chartSvg, chartWidth } from './charts.js';
import { $, el, focusHeading, messageOf, say, svg } from './dom.js';
import { show, type Screen } from './shell.js';
import type { CohortCell, CohortReport, Count, ReportCell } from './types.js';

type CellKey = 'all' | 'dosed' | 'underDosed';
const CELLS: readonly [CellKey, string][] = [
  ['all', 'All members'],
  ['dosed', 'Dosed'],
  ['underDosed', 'Under-dosed'],
];

/**
 * The published figures a cohort report can be set beside, as the domain model (DOMAIN.md) gives them:
 * the change seen in studies of support groups, and the instrument whose cohort change compares with it.
 */
const REFERENCES: readonly { measure: string; change: string; population: string; instrument?: string }[] = [
  { measure: 'Quality of life', change: '+23%', population: 'cancer support groups' },
  { measure: 'Depressive symptoms', change: '−40%', population: 'cancer support groups', instrument: 'phq-9' },
  { measure: 'Opioid use', change: '−28%', population: 'chronic pain groups' },
  { measure: 'Caregiver burden', change: '−35%', population: 'caregiver groups' },
];
const REFERENCE_SOURCE =
  'The literature figures a report can be set beside, as named in CareCircle’s domain model (DOMAIN.md)';

function cellOf(report: CohortReport, key: CellKey): CohortCell {
  return key === 'all' ? report.all : report.byDose[key];
}

function figure(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : String(Math.round(value * 10) / 10);
}

// A count is a number, or withheld: too small ("fewer than N") or withheld so that a small one cannot be worked out.
function count(report: CohortReport, value: Count): string {
  if (typeof value === 'number') return String(value);
  return value.cause === 'small-cell' ? 'fewer than ' + report.smallCellThreshold : 'withheld';
}

function membersWithAMeasure(report: CohortReport): string {
  const members = report.members;
  if (typeof members === 'number') return members + (members === 1 ? ' member' : ' members') + ' with a measure';
  return members.cause === 'small-cell'
    ? 'fewer than ' + report.smallCellThreshold + ' members with a measure'
    : 'members with a measure: withheld';
}

function cohortQuery(format?: string): string {
  const params = new URLSearchParams({ instrument: $<HTMLSelectElement>('cohort-instrument').value });
  const groupType = $<HTMLSelectElement>('cohort-group-type').value;
  if (groupType) params.set('groupType', groupType);
  if (format) params.set('format', format);
  return '/api/care-console/cohort-report?' + params.toString();
}

function cohortTable(report: CohortReport): HTMLTableElement {
  const rows = CELLS.map(([key, name]) => {
    const cell = cellOf(report, key);
    const label =
      name +
      (key === 'dosed'
        ? ' (≥ ' + report.doseSessions + ' sessions)'
        : key === 'underDosed'
          ? ' (< ' + report.doseSessions + ')'
          : '');
    if (cell.suppressed)
      return el('tr', {}, [
        el('th', { scope: 'row' }, [label]),
        el('td', { colspan: '5' }, ['suppressed: ' + cell.reason]),
      ]);
    const ci = cell.meanChangeCi95
      ? ' (95% CI ' + figure(cell.meanChangeCi95.lower) + ' to ' + figure(cell.meanChangeCi95.upper) + ')'
      : '';
    const improvement = cell.meaningfulImprovement;
    const improved = improvement
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
  const head = ['Cohort', 'n', 'Mean baseline', 'Mean follow-up', 'Mean change', 'Meaningfully improved'].map((h) =>
    el('th', { scope: 'col' }, [h]),
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

/** The cohort's mean change as a share of its mean baseline, e.g. "−26%", or "–" when withheld or unknown. */
function relativeChange(cell: CohortCell): string {
  if (cell.suppressed || cell.meanChange === null || !cell.meanBaseline) return '–';
  const percent = Math.round((cell.meanChange / cell.meanBaseline) * 100);
  return (percent > 0 ? '+' : percent < 0 ? '−' : '') + Math.abs(percent) + '%';
}

// The published figures beside this cohort's own change (all members) on the same measure.
function referenceTable(report: CohortReport): HTMLTableElement {
  const head = ['Measure', 'Published change', 'In', 'This cohort'].map((h) => el('th', { scope: 'col' }, [h]));
  const rows = REFERENCES.map((ref) =>
    el('tr', {}, [
      el('th', { scope: 'row' }, [ref.measure]),
      el('td', {}, [ref.change]),
      el('td', {}, [ref.population]),
      el('td', {}, [ref.instrument === report.instrument ? relativeChange(report.all) + ' (mean, all members)' : '–']),
    ]),
  );
  return el('table', { class: 'references' }, [
    el('caption', {}, ['Published reference figures. Source: ' + REFERENCE_SOURCE]),
    el('thead', {}, [el('tr', {}, head)]),
    el('tbody', {}, rows),
  ]);
}

// Grouped bars: mean baseline and mean follow-up per cohort cell; suppressed cells say so.
function cohortChart(report: CohortReport): HTMLElement {
  const W = chartWidth($('cohort-body'), 640);
  const H = 250;
  const left = 40;
  const top = 40;
  const bottom = 40;
  const plotH = H - top - bottom;
  const groupW = (W - left - 40) / 3;
  const barW = groupW * 0.3;
  const gap = groupW * 0.055;
  const mid = barW + gap / 2;
  const max = Math.max(
    ...CELLS.map(([key]) => {
      const cell = cellOf(report, key);
      return cell.suppressed ? 0 : Math.max(cell.meanBaseline || 0, cell.meanFollowUp || 0);
    }),
    1,
  );
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const nodes: SVGElement[] = [
    svg('title', { id: 'cohort-chart-title' }, [
      'Mean ' + report.instrument.toUpperCase() + ' at baseline and follow-up, all members and by dose',
    ]),
    svg('desc', { id: 'cohort-chart-desc' }, ['The same figures are in the table below.']),
    svg('line', { class: 'axis', x1: left, y1: top + plotH, x2: W - 10, y2: top + plotH }),
  ];
  CELLS.forEach(([key, name], i) => {
    const cell = cellOf(report, key);
    const x0 = left + 20 + i * groupW;
    if (cell.suppressed || cell.meanBaseline === null) {
      nodes.push(
        svg('text', { x: x0 + mid, y: top + plotH - 10, 'text-anchor': 'middle' }, [
          cell.suppressed ? 'suppressed' : 'no data',
        ]),
      );
    } else {
      const shown = cell as ReportCell & { meanBaseline: number };
      const followUp = shown.meanFollowUp ?? 0;
      nodes.push(
        svg('rect', {
          class: 'bar-baseline',
          x: x0,
          width: barW,
          y: y(shown.meanBaseline),
          height: top + plotH - y(shown.meanBaseline),
        }),
        svg('rect', {
          class: 'bar-follow-up',
          x: x0 + barW + gap,
          width: barW,
          y: y(followUp),
          height: top + plotH - y(followUp),
        }),
        svg('text', { x: x0 + barW / 2, y: y(shown.meanBaseline) - 4, 'text-anchor': 'middle' }, [
          figure(shown.meanBaseline),
        ]),
        svg('text', { x: x0 + barW * 1.5 + gap, y: y(followUp) - 4, 'text-anchor': 'middle' }, [
          figure(shown.meanFollowUp),
        ]),
      );
    }
    nodes.push(svg('text', { x: x0 + mid, y: H - 20, 'text-anchor': 'middle' }, [name]));
  });
  nodes.push(
    svg('rect', { class: 'bar-baseline', x: W - 200, y: 6, width: 10, height: 10 }),
    svg('text', { x: W - 186, y: 15 }, ['baseline']),
    svg('rect', { class: 'bar-follow-up', x: W - 110, y: 6, width: 10, height: 10 }),
    svg('text', { x: W - 96, y: 15 }, ['follow-up']),
  );
  return el('figure', {}, [chartSvg(W, H, 'cohort-chart', nodes)]);
}

async function loadCohort(event?: Event): Promise<void> {
  event?.preventDefault();
  try {
    const report = await getJson<CohortReport>(cohortQuery());
    // The table keeps its columns on a phone: it scrolls inside its own box, never the page.
    $('cohort-body').replaceChildren(
      cohortChart(report),
      el('div', { class: 'scroll-x', tabindex: '0', role: 'region', 'aria-label': 'Cohort figures table' }, [
        cohortTable(report),
      ]),
      el('div', { class: 'scroll-x', tabindex: '0', role: 'region', 'aria-label': 'Published reference figures' }, [
        referenceTable(report),
      ]),
    );
    say('');
  } catch (error) {
    say(messageOf(error), true);
  }
}

// A link cannot carry the bearer token: fetch the CSV and hand it to the browser as a download.
async function downloadCsv(): Promise<void> {
  try {
    const response = await api(cohortQuery('csv'));
    const url = URL.createObjectURL(await response.blob());
    const instrument = $<HTMLSelectElement>('cohort-instrument').value;
    const link = el('a', { href: url, download: 'cohort-report-' + instrument + '.csv' }, []);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    say('Cohort report downloaded as CSV.');
  } catch (error) {
    say(messageOf(error), true);
  }
}

export function startCohort(): void {
  $('cohort-form').addEventListener('submit', loadCohort);
  $('cohort-csv').addEventListener('click', downloadCsv);
}

export const cohortScreen: Screen = {
  view: 'cohort',
  match: (parts) => (parts[0] === 'cohort' ? [] : null),
  async show() {
    show('cohort');
    await loadCohort();
    focusHeading('cohort-heading');
  },
};
