import { defaultOutcomesConfig as config } from '../instruments/instrument';
import { cohortReport, cohortReportCsv, suppressSmallCells, type CohortMember } from './cohort-report';

const member = (i: number, baseline: number | null, followUp: number | null, sessionsAttended: number): CohortMember => ({ memberId: `mbr_c${i}`, baseline, followUp, sessionsAttended });

// Changes -6, -4, -8, -2, -5, -10 (dosed: 7, 6, 8, 9 sessions; under-dosed: 3, 2), plus two members with missing data.
const members = [member(1, 16, 10, 7), member(2, 12, 8, 6), member(3, 20, 12, 8), member(4, 10, 8, 3), member(5, 15, 10, 9), member(6, 18, 8, 2), member(7, 11, null, 6), member(8, null, 9, 6)];

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
    expect(report.byDose.dosed).toMatchObject({ n: 4, meanChange: -5.75, meaningfulImprovement: { count: 3, share: 0.75 } });
    expect(report.byDose.underDosed).toMatchObject({ n: 2, meanChange: -6, meaningfulImprovement: { count: 1, share: 0.5 } });
  });

  it('suppresses cells under 5 members in exports, JSON and CSV', () => {
    const exported = suppressSmallCells(report, config.smallCellThreshold);
    expect(exported.all).toMatchObject({ n: 6 });
    expect(exported.byDose.dosed).toEqual({ suppressed: true, reason: 'fewer than 5 members' });
    const csv = cohortReportCsv(exported);
    expect(csv.split('\n')[0]).toBe('instrument,cell,n,meanBaseline,meanFollowUp,meanChange,ci95Lower,ci95Upper,meaningfulImprovementCount,meaningfulImprovementShare,suppressed');
    expect(csv).toContain('phq-9,attended>=6,,,,,,,,,true');
    expect(csv).toContain('phq-9,all,6,15.167,9.333,-5.833,');
    expect(csv).toContain('phq-9,missing-baseline,1,');
  });

  it('has no CI for a single member and no improvement share where no meaningful change is established', () => {
    expect(cohortReport('phq-9', [member(1, 10, 5, 6)], config).all.meanChangeCi95).toBeNull();
    expect(cohortReport('zbi-22', [member(1, 40, 20, 6)], config).all.meaningfulImprovement).toBeNull();
  });
});
