import type { CommandMetadata } from '@carecircle/shared-kernel';
import type { Band, Instrument, MeasureInput } from '../instruments/instrument';

export type MeasurementPoint = 'baseline' | 'mid-course' | 'end' | 'follow-up';

/** What the caller says about one administration. `memberId` is pseudonymous (mbr_…). */
export interface MeasureDetails {
  memberId: string;
  measureId: string;
  instrument: Instrument;
  input: MeasureInput;
  point: MeasurementPoint;
  administeredAt: string;
  administeredBy: string;
  groupId: string | null;
}

/** A measure as recorded: the caller's facts and its score. */
export interface MeasureFacts extends MeasureDetails {
  total: number;
  band: Band;
  item9: number | null;
  domains?: Record<string, number>;
}

// Commands ---------------------------------------------------------------------------------------

export type MemberOutcomesCommand =
  | { type: 'RecordMeasure'; data: MeasureDetails; metadata: CommandMetadata }
  | {
      type: 'CorrectMeasure';
      data: MeasureDetails & { correctsMeasureId: string; reason: string };
      metadata: CommandMetadata;
    };

// Events -----------------------------------------------------------------------------------------

export interface ChangeFacts {
  memberId: string;
  measureId: string;
  instrument: Instrument;
  comparedWith: 'baseline' | 'previous';
  from: number;
  to: number;
  change: number;
  meaningfulChange: number;
  fromBand: Band;
  toBand: Band;
  detectedAt: string;
}

export type MemberOutcomesEvent =
  | { type: 'MeasureRecorded'; data: MeasureFacts }
  | { type: 'MeasureCorrected'; data: MeasureFacts & { correctsMeasureId: string; reason: string } }
  | { type: 'ImprovementDetected'; data: ChangeFacts }
  | { type: 'DeteriorationDetected'; data: ChangeFacts }
  | {
      type: 'SuicidalIdeationReported';
      data: {
        memberId: string;
        measureId: string;
        instrument: 'phq-9';
        item9: number;
        administeredAt: string;
        groupId: string | null;
      };
    };

// State ------------------------------------------------------------------------------------------

export interface RecordedMeasure extends MeasureFacts {
  correctsMeasureId: string | null;
  /** The id of the correction that replaced this measure, if any. */
  supersededBy: string | null;
}

export interface MemberOutcomesState {
  /** Every measure ever recorded, in the order recorded, including superseded ones. */
  measures: readonly RecordedMeasure[];
}

export const memberOutcomesStreamId = (memberId: string) => `member-outcomes-${memberId}`;
