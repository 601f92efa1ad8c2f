import type { Band, Instrument } from '../instruments/instrument';
import type { MeasurementPoint, RecordedMeasure } from './member-outcomes';

/** The measures of one instrument that still stand (corrections applied), oldest first. */
export function activeMeasures(measures: readonly RecordedMeasure[], instrument: Instrument): RecordedMeasure[] {
  return measures
    .filter((m) => m.instrument === instrument && m.supersededBy === null)
    .sort((a, b) => a.administeredAt.localeCompare(b.administeredAt));
}

export interface TrajectoryPoint {
  measureId: string;
  point: MeasurementPoint;
  administeredAt: string;
  total: number;
  band: Band;
  item9: number | null;
  correctsMeasureId: string | null;
}

export interface InstrumentTrajectory {
  instrument: Instrument;
  measures: TrajectoryPoint[];
  baseline: number | null;
  latest: number | null;
  changeFromBaseline: number | null;
  changeFromPrevious: number | null;
  /** e.g. { from: 'moderate', to: 'mild' } when the band moved between baseline and latest. */
  bandTransition: { from: Band; to: Band } | null;
}

/** A member's trajectory per instrument: baseline vs latest and vs previous, and band transitions. */
export function trajectory(measures: readonly RecordedMeasure[]): InstrumentTrajectory[] {
  const instruments = [...new Set(measures.map((m) => m.instrument))].sort();
  return instruments.map((instrument) => {
    const active = activeMeasures(measures, instrument);
    const baseline = active.find((m) => m.point === 'baseline') ?? active[0] ?? null;
    const latest = active[active.length - 1] ?? null;
    const previous = active.length >= 2 ? active[active.length - 2]! : null;
    const delta = (from: RecordedMeasure | null) =>
      from && latest && from !== latest ? round2(latest.total - from.total) : null;
    return {
      instrument,
      measures: active.map((m) => ({
        measureId: m.measureId,
        point: m.point,
        administeredAt: m.administeredAt,
        total: m.total,
        band: m.band,
        item9: m.item9,
        correctsMeasureId: m.correctsMeasureId,
      })),
      baseline: baseline?.total ?? null,
      latest: latest?.total ?? null,
      changeFromBaseline: delta(baseline),
      changeFromPrevious: delta(previous),
      bandTransition:
        baseline && latest && baseline.band !== latest.band ? { from: baseline.band, to: latest.band } : null,
    };
  });
}

const round2 = (value: number) => Math.round(value * 100) / 100;
