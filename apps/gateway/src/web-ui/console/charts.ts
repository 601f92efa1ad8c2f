// A member's PHQ-9/GAD-7 totals over time, drawn over the instrument's severity bands, each total labelled,
// and the same figures as a table for screen readers.
import { el, svg } from './dom.js';
import type { InstrumentSeries } from './types.js';

/** Drawn at the width it gets, so that its text stays legible on a phone rather than shrunk with it. */
export function chartWidth(box: HTMLElement, widest: number): number {
  return Math.max(320, Math.min(widest, box.clientWidth || widest));
}

/** A chart's picture, named by its `<title id="{id}-title">` and described by its `<desc id="{id}-desc">`. */
export function chartSvg(width: number, height: number, id: string, nodes: readonly SVGElement[]): SVGElement {
  return svg(
    'svg',
    {
      class: 'chart',
      viewBox: '0 0 ' + width + ' ' + height,
      width,
      height,
      role: 'img',
      'aria-labelledby': id + '-title ' + id + '-desc',
    },
    nodes,
  );
}

export function outcomeChart(instrument: InstrumentSeries, box: HTMLElement): HTMLElement {
  const W = chartWidth(box, 680);
  const narrow = W < 500;
  const H = 240;
  const left = 40;
  const right = narrow ? 120 : 190;
  const top = 10;
  const bottom = 30;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const y = (score: number) => top + plotH - (score / instrument.max) * plotH;
  const times = instrument.points.map((p) => Date.parse(p.at));
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const x = (t: number) => (times.length < 2 || t1 === t0 ? left + plotW / 2 : left + ((t - t0) / (t1 - t0)) * plotW);
  const id = 'chart-' + instrument.instrument.replace(/[^A-Za-z0-9]/g, '');
  const nodes: SVGElement[] = [
    svg('title', { id: id + '-title' }, [instrument.instrument + ' total over time']),
    svg('desc', { id: id + '-desc' }, [describe(instrument)]),
  ];
  for (const band of instrument.bands) {
    const upper = band.to === instrument.max ? instrument.max : band.to + 1;
    nodes.push(
      svg('rect', {
        class: 'band-' + band.label.replace(/\s+/g, '-'),
        x: left,
        width: plotW,
        y: y(upper),
        height: y(band.from) - y(upper),
      }),
      svg('text', { x: left + plotW + 8, y: (y(upper) + y(band.from)) / 2 + 4 }, [
        narrow ? band.label : band.from + '–' + band.to + ' ' + band.label,
      ]),
    );
  }
  nodes.push(
    svg('line', { class: 'axis', x1: left, y1: top, x2: left, y2: top + plotH }),
    svg('line', { class: 'axis', x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH }),
  );
  for (const tick of [0, instrument.max])
    nodes.push(svg('text', { x: left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, [String(tick)]));
  if (instrument.points.length) {
    nodes.push(
      svg('polyline', {
        class: 'line',
        points: instrument.points.map((p, i) => x(times[i]) + ',' + y(p.total)).join(' '),
      }),
    );
    instrument.points.forEach((p, i) => {
      nodes.push(svg('circle', { class: 'point', cx: x(times[i]), cy: y(p.total), r: 5 }));
      // Each total written by its point: the value is readable without hovering or counting bands.
      const above = y(p.total) - 9 > top + 10;
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
    nodes.push(svg('text', { x: left + plotW / 2, y: top + plotH / 2, 'text-anchor': 'middle' }, ['No measures yet']));
  }
  const picture = chartSvg(W, H, id, nodes);
  const hasItem9 = instrument.points.some((p) => p.item9 !== undefined);
  const rows = instrument.points.map((p) =>
    el('tr', {}, [
      el('td', {}, [new Date(p.at).toLocaleDateString()]),
      el('td', {}, [String(p.total)]),
      el('td', {}, [p.band || '']),
      el('td', {}, [p.point]),
      ...(p.item9 !== undefined ? [el('td', {}, [p.item9 === null ? '' : String(p.item9)])] : []),
    ]),
  );
  const head = ['Date', 'Total', 'Band', 'Time point', ...(hasItem9 ? ['Item 9'] : [])].map((h) =>
    el('th', { scope: 'col' }, [h]),
  );
  // A table keeps its columns' width whatever its own is: a 1 px box around it clips it, so a clinician's
  // wider table (with item 9) does not push a 390 px page sideways.
  const table = el('div', { class: 'sr-only' }, [
    el('table', {}, [
      el('caption', {}, [instrument.instrument + ' measures']),
      el('thead', {}, [el('tr', {}, head)]),
      el('tbody', {}, rows),
    ]),
  ]);
  return el('figure', {}, [el('figcaption', {}, [instrument.instrument + summary(instrument)]), picture, table]);
}

function summary(instrument: InstrumentSeries): string {
  if (instrument.latest === null) return ': no measures yet';
  const change = instrument.changeFromBaseline;
  return (
    ': latest ' +
    instrument.latest +
    (change !== null ? ' (' + (change > 0 ? '+' : '') + change + ' from baseline ' + instrument.baseline + ')' : '')
  );
}

function describe(instrument: InstrumentSeries): string {
  const bands = instrument.bands.map((b) => b.from + ' to ' + b.to + ' ' + b.label).join(', ');
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
