import type { EventOf } from '../envelope';
import {
  DeteriorationDetected,
  ImprovementDetected,
  MeasureCorrected,
  MeasureRecorded,
  SuicidalIdeationReported,
} from './outcomes-events';

/** One canonical, synthetic example of every outcomes event. */
const base = {
  schemaVersion: 1,
  occurredAt: '2026-05-04T10:15:00.000Z',
  correlationId: 'corr-out-5a21',
  causationId: 'cmd-out-9c04',
  subject: 'mbr_synthetic_0001',
} as const;

const changeBase = {
  measureId: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10',
  instrument: 'phq-9',
  comparedWith: 'baseline',
  meaningfulChange: 5,
  detectedAt: '2026-05-04T10:15:00.000Z',
} as const;

export const outcomesFixtures = {
  MeasureRecorded: {
    ...base,
    eventId: '6a0e1b2c-3d4e-4f50-8a61-7b8c9d0e1f20',
    type: 'MeasureRecorded',
    payload: {
      measureId: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10',
      instrument: 'phq-9',
      total: 14,
      band: 'moderate',
      item9: 0,
      point: 'baseline',
      administeredAt: '2026-03-09T10:00:00.000Z',
      administeredBy: 'clin_synthetic_psy_01',
      groupId: 'grp_cancer_tuesday',
    },
  } satisfies EventOf<typeof MeasureRecorded>,
  MeasureCorrected: {
    ...base,
    eventId: '7b1f2c3d-4e5f-4a61-9b72-8c9d0e1f2a31',
    type: 'MeasureCorrected',
    payload: {
      measureId: 'd2a1b0f3-5c8e-4d22-8f1b-7c3e4a5b6f21',
      correctsMeasureId: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10',
      reason: 'item 4 transcribed wrongly',
      instrument: 'phq-9',
      total: 15,
      band: 'moderately-severe',
      item9: 0,
      point: 'baseline',
      administeredAt: '2026-03-09T10:00:00.000Z',
      administeredBy: 'clin_synthetic_psy_01',
      groupId: 'grp_cancer_tuesday',
    },
  } satisfies EventOf<typeof MeasureCorrected>,
  ImprovementDetected: {
    ...base,
    eventId: '8c2a3d4e-5f60-4b72-8c83-9d0e1f2a3b42',
    type: 'ImprovementDetected',
    payload: { ...changeBase, from: 14, to: 8, change: -6, fromBand: 'moderate', toBand: 'mild' },
  } satisfies EventOf<typeof ImprovementDetected>,
  DeteriorationDetected: {
    ...base,
    eventId: '9d3b4e5f-6071-4c83-9d94-0e1f2a3b4c53',
    type: 'DeteriorationDetected',
    payload: { ...changeBase, from: 8, to: 14, change: 6, fromBand: 'mild', toBand: 'moderate' },
  } satisfies EventOf<typeof DeteriorationDetected>,
  SuicidalIdeationReported: {
    ...base,
    eventId: '0e4c5f60-7182-4d94-8ea5-1f2a3b4c5d64',
    type: 'SuicidalIdeationReported',
    payload: {
      measureId: 'c1f0a9e2-4b7d-4c11-9e0a-6b2d3f4a5e10',
      instrument: 'phq-9',
      item9: 1,
      administeredAt: '2026-03-09T10:00:00.000Z',
      groupId: 'grp_cancer_tuesday',
    },
  } satisfies EventOf<typeof SuicidalIdeationReported>,
};
