import { ApiProperty } from '@nestjs/swagger';

const MEMBER_ID = 'mbr-7d2c41';
const MEASURE_ID = '3a6e0f52-8c1b-4d7e-b0a4-9f2e61c3d8a7';

export class MeasureCommandResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ format: 'uuid', example: MEASURE_ID })
  measureId!: string;
  @ApiProperty({ enum: ['recorded', 'already-recorded'], example: 'recorded' })
  status!: string;
  @ApiProperty({
    type: [String],
    description: 'The events recorded (none for a repeat).',
    example: ['MeasureRecorded'],
  })
  events!: string[];
}

export class MeasureCorrectionResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({
    format: 'uuid',
    description: 'The correcting measure.',
    example: '5b8d1e07-2f4a-4c39-8e6b-71a0c9d4e2f3',
  })
  measureId!: string;
  @ApiProperty({ format: 'uuid', example: MEASURE_ID })
  correctsMeasureId!: string;
  @ApiProperty({ enum: ['corrected', 'already-corrected'], example: 'corrected' })
  status!: string;
}

export class InstrumentTrajectoryDto {
  @ApiProperty({ example: 'PHQ-9' })
  instrument!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The standing measures (corrected ones replaced), oldest first.',
  })
  measures!: object[];
  @ApiProperty({ type: Number, nullable: true, example: 14 })
  baseline!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 8 })
  latest!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: -6 })
  changeFromBaseline!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: -2 })
  changeFromPrevious!: number | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: { from: { type: 'string' }, to: { type: 'string' } },
    example: { from: 'moderate', to: 'mild' },
  })
  bandTransition!: { from: string; to: string } | null;
}

export class MemberTrajectoryResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ type: [InstrumentTrajectoryDto] })
  instruments!: InstrumentTrajectoryDto[];
}

const CELL = {
  type: 'object',
  additionalProperties: true,
  description:
    'A cohort cell (n, meanBaseline, meanFollowUp, meanChange, meanChangeCi95, meaningfulImprovement), or `{ suppressed: true, cause, reason }` when withheld.',
} as const;
const COUNT = {
  description: 'A count, or `{ suppressed: true, cause, reason }` when withheld.',
  oneOf: [{ type: 'integer' }, { type: 'object', additionalProperties: true }],
};

/** The JSON cohort report (`format=csv` answers the same figures as text/csv). */
export class CohortReportResponseDto {
  @ApiProperty({ example: 'PHQ-9' })
  instrument!: string;
  @ApiProperty(COUNT)
  members!: number | object;
  @ApiProperty(CELL)
  all!: object;
  @ApiProperty({ type: 'object', properties: { dosed: CELL, underDosed: CELL } })
  byDose!: object;
  @ApiProperty({ description: 'Sessions a member must attend to count as dosed.', example: 6 })
  doseSessions!: number;
  @ApiProperty({ type: 'object', properties: { baseline: COUNT, followUp: COUNT } })
  missing!: object;
  @ApiProperty({ example: 5 })
  smallCellThreshold!: number;
}

export const COHORT_REPORT_EXAMPLE = {
  instrument: 'PHQ-9',
  members: 24,
  all: {
    n: 20,
    meanBaseline: 13.1,
    meanFollowUp: 9.4,
    meanChange: -3.7,
    meanChangeCi95: { lower: -5.2, upper: -2.2 },
    meaningfulImprovement: { count: 9, share: 0.45 },
  },
  byDose: {
    dosed: {
      n: 16,
      meanBaseline: 13.4,
      meanFollowUp: 8.9,
      meanChange: -4.5,
      meanChangeCi95: { lower: -6.1, upper: -2.9 },
      meaningfulImprovement: { count: 8, share: 0.5 },
    },
    underDosed: { suppressed: true, cause: 'small-cell', reason: 'Fewer than 5 members' },
  },
  doseSessions: 6,
  missing: { baseline: 0, followUp: { suppressed: true, cause: 'small-cell', reason: 'Fewer than 5 members' } },
  smallCellThreshold: 5,
};
