import { defaultOutcomesConfig as config } from '../instruments/instrument';
import { cohortReport, cohortReportCsv, suppressSmallCells, type CohortMember } from './cohort-report';

const member = (
  i: number,
  baseline: number | null,
  followUp: number | null,
  sessionsAttended: number,
): CohortMember => ({ memberId: `mbr_c${i}`, baseline, followUp, sessionsAttended });

// Changes -6, -4, -8, -2, -5, -10 (dosed: 7, 6, 8, 9 sessions; under-dosed: 3, 2), plus two members with missing data.
const members = [
  member(1, 16, 10, 7),
  member(2, 12, 8, 6),
  member(3, 20, 12, 8),
  member(4, 10, 8, 3),
  member(5, 15, 10, 9),
  member(6, 18, 8, 2),
  member(7, 11, null, 6),
  member(8, null, 9, 6),
];

const tooSmall = { suppressed: true, cause: 'small-cell', reason: 'fewer than 5 members' };
const complementary = {
  suppressed: true,
  cause: 'complementary',
  reason: 'withheld so that a suppressed cell cannot be worked out from the total',
};

/** A reader's arithmetic: for each sum (total first, then its parts) with one unknown term, solve it, until nothing changes. */
function workOut(known: Record<string, number | undefined>, sums: string[][]): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const [total, ...parts] of sums) {
      const unknown = [total!, ...parts].filter((k) => known[k] === undefined);
      if (unknown.length !== 1) continue;
      const partsSum = parts.reduce((acc, k) => acc + (known[k] ?? 0), 0);
      known[unknown[0]!] = unknown[0] === total ? partsSum : known[total!]! - partsSum;
      changed = true;
    }
  }
}

describe('cohort report', () => {
  const report = cohortReport('phq-9', members, config);

  it('counts members, complete pairs and missing data', () => {
    expect(report.members).toBe(8);
    expect(report.all.n).toBe(6);
    expect(report.missing).toEqual({ baseline: 1, followUp: 1 });
  });

  it('computes means, mean change with its 95% CI (t, 5 df) and the share meaningfully improved, by hand', () => {
    // baseline mean 91/6, follow-up 56/6, change mean -35/6 = -5.833; sample sd = sqrt(40.8333/5) = 2.8577; half = 2.571 × 2.8577 / sqrt(6) = 3.0
    expect(report.all.meanBaseline).toBeCloseTo(15.167, 3);
    expect(report.all.meanFollowUp).toBeCloseTo(9.333, 3);
    expect(report.all.meanChange).toBeCloseTo(-5.833, 3);
    expect(report.all.meanChangeCi95!.lower).toBeCloseTo(-8.833, 2);
    expect(report.all.meanChangeCi95!.upper).toBeCloseTo(-2.834, 2);
    expect(report.all.meaningfulImprovement).toEqual({ count: 4, share: 0.667 });
  });

  it('splits by dose (>= 6 sessions attended)', () => {
    expect(report.byDose.dosed).toMatchObject({
      n: 4,
      meanChange: -5.75,
      meaningfulImprovement: { count: 3, share: 0.75 },
    });
    expect(report.byDose.underDosed).toMatchObject({
      n: 2,
      meanChange: -6,
      meaningfulImprovement: { count: 1, share: 0.5 },
    });
  });

  it('suppresses cells and counts under 5 members in exports, JSON and CSV, and members so they cannot be worked back', () => {
    const exported = suppressSmallCells(report, config.smallCellThreshold);
    expect(exported.all).toMatchObject({ n: 6 });
    expect(exported.byDose.dosed).toEqual(tooSmall);
    expect(exported.byDose.underDosed).toEqual(tooSmall);
    expect(exported.missing).toEqual({ baseline: tooSmall, followUp: tooSmall });
    // 8 members shown next to all.n = 6 would give missing baseline + missing follow-up = 2.
    expect(exported.members).toEqual(complementary);
    const csv = cohortReportCsv(exported);
    expect(csv.split('\n')[0]).toBe(
      'instrument,cell,n,meanBaseline,meanFollowUp,meanChange,ci95Lower,ci95Upper,meaningfulImprovementCount,meaningfulImprovementShare,suppressed,suppressedReason',
    );
    expect(csv).toContain(`phq-9,members,,,,,,,,,true,${complementary.reason}\n`);
    expect(csv).toContain('phq-9,all,6,15.167,9.333,-5.833,');
    expect(csv).toContain('phq-9,attended>=6,,,,,,,,,true,fewer than 5 members\n');
    expect(csv).toContain('phq-9,missing-baseline,,,,,,,,,true,fewer than 5 members\n');
    expect(csv).toContain('phq-9,missing-follow-up,,,,,,,,,true,fewer than 5 members\n');
    expect(csv).not.toMatch(/^phq-9,[^,]+,[1-4],/m);
  });

  it('withholds a small members count and small missing counts, and keeps 0 (an empty cell identifies nobody)', () => {
    const three = [member(1, 10, 5, 6), member(2, 12, 6, 6), member(3, 14, 7, 6)];
    const exported = suppressSmallCells(cohortReport('phq-9', three, config), 5);
    expect(exported.members).toEqual(tooSmall);
    expect(exported.missing).toEqual({ baseline: 0, followUp: 0 });
    expect(exported.all).toEqual(tooSmall);
    expect(exported.byDose).toEqual({ dosed: tooSmall, underDosed: expect.objectContaining({ n: 0 }) });
    expect(cohortReportCsv(exported)).toContain('phq-9,missing-baseline,0,,,,,,,,false,\n');
  });

  it('withholds the other dose cell when only one is small, so it cannot be worked out from all.n', () => {
    // 5 dosed and 2 under-dosed: all.n 7 shown; without the complementary rule, 7 - 5 would give the 2 back.
    const seven = [
      ...Array.from({ length: 5 }, (_, i) => member(i, 15, 9, 6)),
      member(5, 12, 10, 2),
      member(6, 14, 13, 1),
    ];
    const exported = suppressSmallCells(cohortReport('phq-9', seven, config), 5);
    expect(exported.all).toMatchObject({ n: 7 });
    expect(exported.byDose.underDosed).toEqual(tooSmall);
    expect(exported.byDose.dosed).toEqual(complementary);
    expect(exported.members).toBe(7);
    expect(JSON.stringify(exported)).not.toMatch(/"n":5\b/);
  });

  it('withholds members when all.n or a missing count is withheld, so neither comes back as members minus the rest', () => {
    // 2 complete pairs and 6 without a follow-up: members 8 - missing follow-up 6 would give all.n = 2.
    const fewComplete = [
      member(1, 10, 5, 6),
      member(2, 12, 6, 6),
      ...Array.from({ length: 6 }, (_, i) => member(10 + i, 11, null, 6)),
    ];
    const first = suppressSmallCells(cohortReport('phq-9', fewComplete, config), 5);
    expect(first).toMatchObject({ all: tooSmall, members: complementary, missing: { baseline: 0, followUp: 6 } });
    // 7 complete pairs and 3 without a baseline: members 10 - all.n 7 - missing follow-up 0 would give 3.
    const fewMissing = [
      ...Array.from({ length: 7 }, (_, i) => member(i, 15, 9, 6)),
      ...Array.from({ length: 3 }, (_, i) => member(10 + i, null, 9, 6)),
    ];
    const second = suppressSmallCells(cohortReport('phq-9', fewMissing, config), 5);
    expect(second).toMatchObject({
      all: { n: 7 },
      members: complementary,
      missing: { baseline: tooSmall, followUp: 0 },
    });
  });

  it('lets no withheld count be worked out from the shown ones, over every cohort of up to 7 members per kind', () => {
    // Members are dosed or under-dosed complete pairs, or lack a baseline, or lack a follow-up (none lacks both, so
    // members = all + missing baseline + missing follow-up holds exactly: the reader's best case).
    const solvedSmallCounts: string[] = [];
    for (let d = 0; d <= 7; d++)
      for (let u = 0; u <= 7; u++)
        for (let b = 0; b <= 7; b++)
          for (let f = 0; f <= 7; f++) {
            const cohort = [
              ...Array.from({ length: d }, (_, i) => member(i, 15, 9, 6)),
              ...Array.from({ length: u }, (_, i) => member(100 + i, 15, 9, 1)),
              ...Array.from({ length: b }, (_, i) => member(200 + i, null, 9, 6)),
              ...Array.from({ length: f }, (_, i) => member(300 + i, 15, null, 6)),
            ];
            const e = suppressSmallCells(cohortReport('phq-9', cohort, config), 5);
            const shown = (v: number | { n: number } | object) =>
              typeof v === 'number' ? v : 'n' in v ? v.n : undefined;
            const known: Record<string, number | undefined> = {
              members: shown(e.members),
              all: shown(e.all),
              dosed: shown(e.byDose.dosed),
              underDosed: shown(e.byDose.underDosed),
              baseline: shown(e.missing.baseline),
              followUp: shown(e.missing.followUp),
            };
            const truth: Record<string, number> = {
              members: d + u + b + f,
              all: d + u,
              dosed: d,
              underDosed: u,
              baseline: b,
              followUp: f,
            };
            workOut(known, [
              ['all', 'dosed', 'underDosed'],
              ['members', 'all', 'baseline', 'followUp'],
            ]);
            for (const key of Object.keys(truth)) {
              if (truth[key]! > 0 && truth[key]! < 5 && known[key] !== undefined)
                solvedSmallCounts.push(`${key} in ${[d, u, b, f]}`);
            }
          }
    expect(solvedSmallCounts).toEqual([]);
  });

  it('has no CI for a single member and no improvement share where no meaningful change is established', () => {
    expect(cohortReport('phq-9', [member(1, 10, 5, 6)], config).all.meanChangeCi95).toBeNull();
    expect(cohortReport('zbi-22', [member(1, 40, 20, 6)], config).all.meaningfulImprovement).toBeNull();
  });
});
