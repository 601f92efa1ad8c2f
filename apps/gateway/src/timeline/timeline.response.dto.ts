import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TimelineEntryDto {
  @ApiProperty({ description: 'The source event id.', example: '0b9f3c52-71e4-4d8a-a6c2-5e13f07b9d24' })
  id!: string;
  @ApiProperty({ example: 'mbr_synthetic_0001' })
  memberId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T18:05:00.000Z' })
  at!: string;
  @ApiProperty({ example: 'alert' })
  kind!: string;
  @ApiProperty({ example: 'DistressReported' })
  type!: string;
  @ApiProperty({ example: 'Distress reported in group' })
  title!: string;
  @ApiProperty({
    description:
      'One sentence a person reads, saying no more than this reader may see: readers of medication detail get the drug, its daily dose and the prescriber by name (the staff directory’s, else the staff id); others the class only.',
    example: 'Antidepressant (SSRI) started',
  })
  sentence!: string;
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'When the source service recorded the event; `at` is when it happened.',
    example: '2026-03-02T18:06:12.000Z',
  })
  recordedAt?: string;
  @ApiPropertyOptional({ example: 'high' })
  severity?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, example: { groupId: 'grp_cancer_tuesday' } })
  details!: object;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: "An alert's lifecycle (status, acknowledgements).",
  })
  alert?: object;
  @ApiProperty({ description: 'True when the reader sees the minimum-necessary view.', example: false })
  redacted!: boolean;
}

export class TimelinePageResponseDto {
  @ApiProperty({ example: 'mbr_synthetic_0001' })
  memberId!: string;
  @ApiProperty({ type: [TimelineEntryDto], description: 'Oldest first.' })
  entries!: TimelineEntryDto[];
  @ApiPropertyOptional({
    description: 'Present when more entries follow: pass it as `cursor`.',
    example: 'eyJhdCI6IjIwMjYtMDMtMDIifQ',
  })
  nextCursor?: string;
}
