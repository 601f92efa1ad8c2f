import { LOWER_IS_BETTER, type Instrument, type OutcomesConfig } from '../instruments/instrument';

/** One member of a cohort for one instrument: baseline and latest follow-up totals, and sessions attended. */
export interface CohortMember {
  memberId: string;
  baseline: number | null;
  followUp: number | null;
  sessionsAttended: number;
}

export interface CohortCell {
  n: number;
  meanBaseline: number | null;
  meanFollowUp: number | null;
  /** Follow-up minus baseline, averaged. */
  meanChange: number | null;
  /** 95% confidence interval of the mean change (t distribution, n - 1 degrees of freedom); null below n = 2. */
  meanChangeCi95: { lower: number; upper: number } | null;
  /** Members whose change reached the instrument's meaningful change in the better direction. */
  meaningfulImprovement: { count: number; share: number | null } | null;
}

export interface CohortReport {
  instrument: Instrument;
  /** Members with any measure of the instrument in the cohort. */
  members: number;
  all: CohortCell;
  byDose: { dosed: CohortCell; underDosed: CohortCell };
  doseSessions: number;
  missing: { baseline: number; followUp: number };
}

/** A cell shown in an export: either the figures or the fact that it was suppressed. */
export type ExportedCell = CohortCell | { suppressed: true; reason: string };

export interface ExportedCohortReport extends Omit<CohortReport, 'all' | 'byDose'> {
  all: ExportedCell;
  byDose: { dosed: ExportedCell; underDosed: ExportedCell };
  smallCellThreshold: number;
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom; the normal 1.96 beyond. */
const T_975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
export const tQuantile975 = (df: number) => T_975[df - 1] ?? 1.96;

export function cohortReport(instrument: Instrument, members: readonly CohortMember[], config: OutcomesConfig): CohortReport {
  const complete = members.filter((m) => m.baseline !== null && m.followUp !== null);
  return {
    instrument,
    members: members.length,
    all: cell(instrument, complete, config),
    byDose: {
      dosed: cell(instrument, complete.filter((m) => m.sessionsAttended >= config.doseSessions), config),
      underDosed: cell(instrument, complete.filter((m) => m.sessionsAttended < config.doseSessions), config),
    },
    doseSessions: config.doseSessions,
    missing: { baseline: members.filter((m) => m.baseline === null).length, followUp: members.filter((m) => m.followUp === null).length },
  };
}

function cell(instrument: Instrument, complete: readonly CohortMember[], config: OutcomesConfig): CohortCell {
  const n = complete.length;
  if (n === 0) return { n, meanBaseline: null, meanFollowUp: null, meanChange: null, meanChangeCi95: null, meaningfulImprovement: null };
  const changes = complete.map((m) => m.followUp! - m.baseline!);
  const meanChange = mean(changes);
  const threshold = config.meaningfulChange[instrument];
  const improved = threshold === null ? null : changes.filter((c) => (LOWER_IS_BETTER[instrument] ? -c : c) >= threshold).length;
  return {
    n,
    meanBaseline: round(mean(complete.map((m) => m.baseline!))),
    meanFollowUp: round(mean(complete.map((m) => m.followUp!))),
    meanChange: round(meanChange),
    meanChangeCi95: n < 2 ? null : ci95(changes, meanChange),
    meaningfulImprovement: improved === null ? null : { count: improved, share: round(improved / n) },
  };
}

function ci95(values: readonly number[], m: number): { lower: number; upper: number } {
  const n = values.length;
  const sd = Math.sqrt(values.reduce((acc, v) => acc + (v - m) ** 2, 0) / (n - 1));
  const half = tQuantile975(n - 1) * (sd / Math.sqrt(n));
  return { lower: round(m - half), upper: round(m + half) };
}

/** Cells with fewer members than the threshold are withheld, so that no member can be re-identified. */
export function suppressSmallCells(report: CohortReport, threshold: number): ExportedCohortReport {
  const guard = (c: CohortCell): ExportedCell => (c.n > 0 && c.n < threshold ? { suppressed: true, reason: `fewer than ${threshold} members` } : c);
  return { ...report, all: guard(report.all), byDose: { dosed: guard(report.byDose.dosed), underDosed: guard(report.byDose.underDosed) }, smallCellThreshold: threshold };
}

const CSV_COLUMNS = ['instrument', 'cell', 'n', 'meanBaseline', 'meanFollowUp', 'meanChange', 'ci95Lower', 'ci95Upper', 'meaningfulImprovementCount', 'meaningfulImprovementShare', 'suppressed'] as const;

/** The exported report as CSV: one row per cell, then the missing-data counts. Suppressed cells show no figures. */
export function cohortReportCsv(report: ExportedCohortReport): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  const cells: [string, ExportedCell][] = [
    ['all', report.all],
    [`attended>=${report.doseSessions}`, report.byDose.dosed],
    [`attended<${report.doseSessions}`, report.byDose.underDosed],
  ];
  for (const [name, c] of cells) {
    if ('suppressed' in c) {
      rows.push([report.instrument, name, '', '', '', '', '', '', '', '', 'true']);
      continue;
    }
    const show = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
    rows.push([
      report.instrument,
      name,
      String(c.n),
      show(c.meanBaseline),
      show(c.meanFollowUp),
      show(c.meanChange),
      show(c.meanChangeCi95?.lower),
      show(c.meanChangeCi95?.upper),
      show(c.meaningfulImprovement?.count),
      show(c.meaningfulImprovement?.share),
      'false',
    ]);
  }
  rows.push([report.instrument, 'missing-baseline', String(report.missing.baseline), '', '', '', '', '', '', '', 'false']);
  rows.push([report.instrument, 'missing-follow-up', String(report.missing.followUp), '', '', '', '', '', '', '', 'false']);
  return rows.map((r) => r.join(',')).join('\n') + '\n';
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (value: number) => Math.round(value * 1000) / 1000;
