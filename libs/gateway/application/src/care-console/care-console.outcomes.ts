import type { ConsoleView } from './care-console.access';

/** Outcomes' member trajectory, as much of it as the console reads. */
export interface MemberTrajectory {
  memberId: string;
  instruments: {
    instrument: string;
    measures: { administeredAt: string; total: number; band: string | null; point: string; item9?: number | null }[];
    baseline: number | null;
    latest: number | null;
    changeFromBaseline: number | null;
  }[];
}

export interface SeverityBand {
  label: string;
  from: number;
  to: number;
}

/**
 * DOMAIN.md's severity bands: PHQ-9 0-27 (cut-offs 5, 10, 15, 20), GAD-7 0-21 (5, 10, 15); and the meaningful
 * change (the minimal clinically important difference): PHQ-9 5 points, GAD-7 4.
 */
export const SEVERITY_BANDS: Readonly<
  Record<'PHQ-9' | 'GAD-7', { max: number; meaningfulChange: number; bands: readonly SeverityBand[] }>
> = {
  'PHQ-9': {
    max: 27,
    meaningfulChange: 5,
    bands: [
      { label: 'minimal', from: 0, to: 4 },
      { label: 'mild', from: 5, to: 9 },
      { label: 'moderate', from: 10, to: 14 },
      { label: 'moderately severe', from: 15, to: 19 },
      { label: 'severe', from: 20, to: 27 },
    ],
  },
  'GAD-7': {
    max: 21,
    meaningfulChange: 4,
    bands: [
      { label: 'minimal', from: 0, to: 4 },
      { label: 'mild', from: 5, to: 9 },
      { label: 'moderate', from: 10, to: 14 },
      { label: 'severe', from: 15, to: 21 },
    ],
  },
};

export interface OutcomeChart {
  instrument: 'PHQ-9' | 'GAD-7';
  max: number;
  /** A change from baseline this large or larger is meaningful (DOMAIN.md). */
  meaningfulChange: number;
  bands: readonly SeverityBand[];
  /**
   * PHQ-9 only: when the latest PHQ-9 answered item 9 (thoughts of self-harm) above zero, else null. A flag
   * for everyone who may see the member's outcomes; the answer itself stays the care team's.
   */
  item9FlaggedAt?: string | null;
  points: { at: string; total: number; band: string | null; point: string; item9?: number | null }[];
  baseline: number | null;
  latest: number | null;
  changeFromBaseline: number | null;
}

/**
 * The PHQ-9 and GAD-7 charts (an instrument with no measures still gets its empty chart). PHQ-9 item 9
 * (thoughts of self-harm) is a clinical detail: the care team sees it, a facilitator the total only
 * (an item-9 answer raises its own alert to the facilitator).
 */
export function outcomeChartsFor(trajectory: MemberTrajectory, view: ConsoleView): OutcomeChart[] {
  return (['PHQ-9', 'GAD-7'] as const).map((instrument) => {
    // Outcomes names instruments in lower case (phq-9, gad-7).
    const found = trajectory.instruments.find((candidate) => candidate.instrument.toUpperCase() === instrument);
    const latest = found?.measures.reduce<(typeof found.measures)[number] | undefined>(
      (last, m) => (!last || m.administeredAt >= last.administeredAt ? m : last),
      undefined,
    );
    return {
      instrument,
      ...SEVERITY_BANDS[instrument],
      ...(instrument === 'PHQ-9'
        ? { item9FlaggedAt: latest && (latest.item9 ?? 0) > 0 ? latest.administeredAt : null }
        : {}),
      points: (found?.measures ?? []).map((m) => ({
        at: m.administeredAt,
        total: m.total,
        band: m.band,
        point: m.point,
        ...(view === 'clinician' && instrument === 'PHQ-9' ? { item9: m.item9 ?? null } : {}),
      })),
      baseline: found?.baseline ?? null,
      latest: found?.latest ?? null,
      changeFromBaseline: found?.changeFromBaseline ?? null,
    };
  });
}
