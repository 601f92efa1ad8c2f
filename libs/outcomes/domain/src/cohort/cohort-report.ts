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

/**
 * A figure withheld from an export: `small-cell` when it counts 1 to threshold - 1 members, `complementary`
 * when it is large enough itself but would let a small one be worked out from a total.
 */
export interface Suppressed {
  suppressed: true;
  cause: 'small-cell' | 'complementary';
  reason: string;
}

/** A cell shown in an export: either the figures or the fact that it was suppressed. */
export type ExportedCell = CohortCell | Suppressed;
/** A count shown in an export: the number (0 included: an empty cell identifies nobody) or the fact it was withheld. */
export type ExportedCount = number | Suppressed;

export interface ExportedCohortReport extends Omit<CohortReport, 'members' | 'all' | 'byDose' | 'missing'> {
  members: ExportedCount;
  all: ExportedCell;
  byDose: { dosed: ExportedCell; underDosed: ExportedCell };
  missing: { baseline: ExportedCount; followUp: ExportedCount };
  smallCellThreshold: number;
}

export const isSuppressed = (value: ExportedCell | ExportedCount): value is Suppressed =>
  typeof value === 'object' && 'suppressed' in value;

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom; the normal 1.96 beyond. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];
export const tQuantile975 = (df: number) => T_975[df - 1] ?? 1.96;

export function cohortReport(
  instrument: Instrument,
  members: readonly CohortMember[],
  config: OutcomesConfig,
): CohortReport {
  const complete = members.filter((m) => m.baseline !== null && m.followUp !== null);
  return {
    instrument,
    members: members.length,
    all: cell(instrument, complete, config),
    byDose: {
      dosed: cell(
        instrument,
        complete.filter((m) => m.sessionsAttended >= config.doseSessions),
        config,
      ),
      underDosed: cell(
        instrument,
        complete.filter((m) => m.sessionsAttended < config.doseSessions),
        config,
      ),
    },
    doseSessions: config.doseSessions,
    missing: {
      baseline: members.filter((m) => m.baseline === null).length,
      followUp: members.filter((m) => m.followUp === null).length,
    },
  };
}

function cell(instrument: Instrument, complete: readonly CohortMember[], config: OutcomesConfig): CohortCell {
  const n = complete.length;
  if (n === 0)
    return {
      n,
      meanBaseline: null,
      meanFollowUp: null,
      meanChange: null,
      meanChangeCi95: null,
      meaningfulImprovement: null,
    };
  const changes = complete.map((m) => m.followUp! - m.baseline!);
  const meanChange = mean(changes);
  const threshold = config.meaningfulChange[instrument];
  const improved =
    threshold === null ? null : changes.filter((c) => (LOWER_IS_BETTER[instrument] ? -c : c) >= threshold).length;
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

/**
 * Withholds every count of 1 to threshold - 1 members (cells and the top-level counts), then what would give one back:
 * - all.n = dosed.n + underDosed.n: with the total shown, one withheld dose cell is the total minus the other,
 *   so the other is withheld too (if the total is withheld, two of the three are, and neither can be worked out).
 * - members = all.n + incomplete, and the missing counts give incomplete back (exactly when no member lacks both
 *   measures, or when one of them is 0): with members shown, a withheld all.n or missing count could be worked
 *   out, so members is withheld. Members takes part in no other sum, so withholding it starts no further chain.
 */
export function suppressSmallCells(report: CohortReport, threshold: number): ExportedCohortReport {
  const small = (n: number) => n > 0 && n < threshold;
  const tooSmall: Suppressed = { suppressed: true, cause: 'small-cell', reason: `fewer than ${threshold} members` };
  const complement: Suppressed = { suppressed: true, cause: 'complementary', reason: COMPLEMENTARY_REASON };
  const { dosed, underDosed } = report.byDose;
  const allSmall = small(report.all.n);
  const doseComplement = !allSmall && small(dosed.n) !== small(underDosed.n);
  const doseCell = (c: CohortCell): ExportedCell => (small(c.n) ? tooSmall : doseComplement ? complement : c);
  const missingSmall = small(report.missing.baseline) || small(report.missing.followUp);
  const members = small(report.members) ? tooSmall : allSmall || missingSmall ? complement : report.members;
  const count = (n: number): ExportedCount => (small(n) ? tooSmall : n);
  return {
    ...report,
    members,
    all: allSmall ? tooSmall : report.all,
    byDose: { dosed: doseCell(dosed), underDosed: doseCell(underDosed) },
    missing: { baseline: count(report.missing.baseline), followUp: count(report.missing.followUp) },
    smallCellThreshold: threshold,
  };
}

const COMPLEMENTARY_REASON = 'withheld so that a suppressed cell cannot be worked out from the total';

const CSV_COLUMNS = [
  'instrument',
  'cell',
  'n',
  'meanBaseline',
  'meanFollowUp',
  'meanChange',
  'ci95Lower',
  'ci95Upper',
  'meaningfulImprovementCount',
  'meaningfulImprovementShare',
  'suppressed',
  'suppressedReason',
] as const;

/**
 * The exported report as CSV: the members count, one row per cell, then the missing-data counts.
 * A withheld cell or count shows no figures, `true` and the reason.
 */
export function cohortReportCsv(report: ExportedCohortReport): string {
  const rows: string[][] = [[...CSV_COLUMNS]];
  const withheld = (name: string, s: Suppressed) => [
    report.instrument,
    name,
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    '',
    'true',
    s.reason,
  ];
  const countRow = (name: string, c: ExportedCount) =>
    isSuppressed(c) ? withheld(name, c) : [report.instrument, name, String(c), '', '', '', '', '', '', '', 'false', ''];
  rows.push(countRow('members', report.members));
  const cells: [string, ExportedCell][] = [
    ['all', report.all],
    [`attended>=${report.doseSessions}`, report.byDose.dosed],
    [`attended<${report.doseSessions}`, report.byDose.underDosed],
  ];
  for (const [name, c] of cells) {
    if (isSuppressed(c)) {
      rows.push(withheld(name, c));
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
      '',
    ]);
  }
  rows.push(countRow('missing-baseline', report.missing.baseline));
  rows.push(countRow('missing-follow-up', report.missing.followUp));
  return rows.map((r) => r.join(',')).join('\n') + '\n';
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const round = (value: number) => Math.round(value * 1000) / 1000;
