import { spec, type CommandMetadata } from '@carecircle/shared-kernel';
import { defaultOutcomesConfig } from '../instruments/instrument';
import type { MeasureDetails, MeasureFacts, MemberOutcomesEvent } from './member-outcomes';
import { memberOutcomesDecider } from './member-outcomes.decider';
import { trajectory } from './trajectory';

const metadata: CommandMetadata = {
  now: new Date('2026-05-04T10:15:00Z'),
  correlationId: 'corr-1',
  causationId: 'req-1',
};
const then = spec(memberOutcomesDecider(defaultOutcomesConfig));
const memberId = 'mbr_synthetic_0001';

function phq9(
  measureId: string,
  total: number,
  point: MeasureDetails['point'],
  administeredAt: string,
  item9: number | null = 0,
): MeasureDetails {
  return {
    memberId,
    measureId,
    instrument: 'phq-9',
    input: { kind: 'total', total, item9 },
    point,
    administeredAt,
    administeredBy: 'clin_01',
    groupId: 'grp_1',
  };
}
function recorded(details: MeasureDetails, band: MeasureFacts['band']): MemberOutcomesEvent {
  const input = details.input as { total: number; item9: number | null };
  return { type: 'MeasureRecorded', data: { ...details, total: input.total, band, item9: input.item9 } };
}
const record = (details: MeasureDetails) => ({ type: 'RecordMeasure', data: details, metadata }) as const;
const change = { memberId, instrument: 'phq-9', meaningfulChange: 5, detectedAt: '2026-05-04T10:15:00.000Z' } as const;

const baseline = phq9('00000000-0000-4000-8000-000000000001', 14, 'baseline', '2026-03-01T10:00:00.000Z');
const mid = phq9('00000000-0000-4000-8000-000000000002', 7, 'mid-course', '2026-04-01T10:00:00.000Z');
const end = phq9('00000000-0000-4000-8000-000000000003', 13, 'end', '2026-05-01T10:00:00.000Z');

describe('member outcomes decider', () => {
  it('records a first measure with its score and band', () => {
    then
      .given([])
      .when(record(baseline))
      .then([recorded(baseline, 'moderate')]);
  });

  it('publishes PHQ-9 item 9 > 0 at once, with the measure', () => {
    const withItem9 = phq9(baseline.measureId, 14, 'baseline', baseline.administeredAt, 2);
    then
      .given([])
      .when(record(withItem9))
      .then([
        recorded(withItem9, 'moderate'),
        {
          type: 'SuicidalIdeationReported',
          data: {
            memberId,
            measureId: baseline.measureId,
            instrument: 'phq-9',
            item9: 2,
            administeredAt: baseline.administeredAt,
            groupId: 'grp_1',
          },
        },
      ]);
  });

  it('detects an improvement of the meaningful change from baseline, with the band transition', () => {
    then
      .given([recorded(baseline, 'moderate')])
      .when(record(mid))
      .then([
        recorded(mid, 'mild'),
        {
          type: 'ImprovementDetected',
          data: {
            ...change,
            measureId: mid.measureId,
            comparedWith: 'baseline',
            from: 14,
            to: 7,
            change: -7,
            fromBand: 'moderate',
            toBand: 'mild',
          },
        },
      ]);
  });

  it('detects worsening since the previous measure even while still better than baseline', () => {
    then
      .given([recorded(baseline, 'moderate'), recorded(mid, 'mild')])
      .when(record(end))
      .then([
        recorded(end, 'moderate'),
        {
          type: 'DeteriorationDetected',
          data: {
            ...change,
            measureId: end.measureId,
            comparedWith: 'previous',
            from: 7,
            to: 13,
            change: 6,
            fromBand: 'mild',
            toBand: 'moderate',
          },
        },
      ]);
  });

  it('detects nothing below the meaningful change', () => {
    const small = phq9(mid.measureId, 10, 'mid-course', mid.administeredAt);
    then
      .given([recorded(baseline, 'moderate')])
      .when(record(small))
      .then([recorded(small, 'moderate')]);
  });

  it('treats the same measure sent again as already recorded, and refuses other facts under its id', () => {
    then
      .given([recorded(baseline, 'moderate')])
      .when(record(baseline))
      .then([]);
    then
      .given([recorded(baseline, 'moderate')])
      .when(record({ ...baseline, point: 'end' }))
      .thenFails('outcomes.measure-conflict', /different measure/);
  });

  it('recognises a repeat even when the stored answers come back with their keys reordered', () => {
    const stored = recorded(
      { ...baseline, input: { item9: 0, total: 14, kind: 'total' } as MeasureDetails['input'] },
      'moderate',
    );
    then.given([stored]).when(record(baseline)).then([]);
  });

  it('refuses an unscorable measure, naming the item', () => {
    then
      .given([])
      .when(record({ ...baseline, input: { kind: 'answers', answers: [1, 1, 1, 1, 9, 1, 1, 1, 0] } }))
      .thenFails('outcomes.item-out-of-range', /item 5 /);
  });

  it('records a correction as a new event referencing the old one, and compares it without the old one', () => {
    const corrected = {
      ...phq9('00000000-0000-4000-8000-000000000009', 6, 'mid-course', mid.administeredAt),
      correctsMeasureId: mid.measureId,
      reason: 'transcription',
    };
    const given = [
      recorded(baseline, 'moderate'),
      recorded(phq9(mid.measureId, 12, 'mid-course', mid.administeredAt), 'moderate'),
    ];
    then
      .given(given)
      .when({ type: 'CorrectMeasure', data: corrected, metadata })
      .then([
        { type: 'MeasureCorrected', data: { ...corrected, total: 6, band: 'mild', item9: 0 } },
        {
          type: 'ImprovementDetected',
          data: {
            ...change,
            measureId: corrected.measureId,
            comparedWith: 'baseline',
            from: 14,
            to: 6,
            change: -8,
            fromBand: 'moderate',
            toBand: 'mild',
          },
        },
      ]);
  });

  it('cannot correct an unknown or already corrected measure', () => {
    const correction = {
      ...phq9('00000000-0000-4000-8000-000000000009', 6, 'mid-course', mid.administeredAt),
      correctsMeasureId: mid.measureId,
      reason: 'x',
    };
    then
      .given([recorded(baseline, 'moderate')])
      .when({ type: 'CorrectMeasure', data: correction, metadata })
      .thenFails('outcomes.measure-unknown');
    const done: MemberOutcomesEvent = {
      type: 'MeasureCorrected',
      data: {
        ...phq9('00000000-0000-4000-8000-000000000008', 8, 'mid-course', mid.administeredAt),
        total: 8,
        band: 'mild',
        item9: 0,
        correctsMeasureId: mid.measureId,
        reason: 'x',
      },
    };
    then
      .given([recorded(mid, 'mild'), done])
      .when({ type: 'CorrectMeasure', data: correction, metadata })
      .thenFails('outcomes.measure-already-corrected');
  });

  it('has no meaningful change for ZBI-22, so it detects nothing', () => {
    const zbi = (measureId: string, total: number, administeredAt: string): MeasureDetails => ({
      ...baseline,
      measureId,
      instrument: 'zbi-22',
      input: { kind: 'total', total },
      administeredAt,
    });
    const decider = memberOutcomesDecider(defaultOutcomesConfig);
    const first = decider.decide(
      record(zbi(baseline.measureId, 60, baseline.administeredAt)),
      decider.initialState,
    ) as MemberOutcomesEvent[];
    const state = first.reduce(decider.evolve, decider.initialState);
    expect(decider.decide(record(zbi(mid.measureId, 10, mid.administeredAt)), state)).toHaveLength(1);
  });

  it('folds into a trajectory: baseline vs latest and previous, band transition, corrections applied', () => {
    const decider = memberOutcomesDecider(defaultOutcomesConfig);
    const state = [recorded(baseline, 'moderate'), recorded(mid, 'mild'), recorded(end, 'moderate')].reduce(
      decider.evolve,
      decider.initialState,
    );
    expect(trajectory(state.measures)).toEqual([
      expect.objectContaining({
        instrument: 'phq-9',
        baseline: 14,
        latest: 13,
        changeFromBaseline: -1,
        changeFromPrevious: 6,
        bandTransition: null,
      }),
    ]);
  });
});
