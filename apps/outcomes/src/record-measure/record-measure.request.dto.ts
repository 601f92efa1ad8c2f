import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  INSTRUMENTS,
  defaultOutcomesConfig,
  type Instrument,
  type MeasurementPoint,
  type Opioid,
} from '@carecircle/outcomes/domain';

const POINTS: MeasurementPoint[] = ['baseline', 'mid-course', 'end', 'follow-up'];
const OPIOIDS = Object.keys(defaultOutcomesConfig.mmeConversionFactors) as Opioid[];

export class OpioidDoseDto {
  @ApiProperty({ enum: OPIOIDS, example: 'oxycodone' })
  @IsIn(OPIOIDS)
  opioid!: Opioid;

  @ApiProperty({ description: 'mg per day (fentanyl patch: mcg per hour)', example: 30 })
  @IsNumber()
  @Min(0)
  dailyDose!: number;
}

export class RecordMeasureRequestDto {
  @ApiProperty({ format: 'uuid', description: 'Chosen by the caller; sending the same measure again changes nothing.' })
  @IsUUID()
  measureId!: string;

  @ApiProperty({ enum: INSTRUMENTS })
  @IsIn(INSTRUMENTS)
  instrument!: Instrument;

  @ApiPropertyOptional({
    type: [Number],
    description: 'Item answers in order (item 1 first); the scorer names any missing or out-of-range item.',
    example: [2, 2, 1, 1, 1, 2, 1, 1, 0],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(27)
  answers?: (number | null)[];

  @ApiPropertyOptional({ description: 'The total, where only the total is known.' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  total?: number;

  @ApiPropertyOptional({ description: 'PHQ-9 item 9 (0-3) when only the total is known.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3)
  item9?: number;

  @ApiPropertyOptional({ type: [OpioidDoseDto], description: 'Opioid MME/day: the medication list.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => OpioidDoseDto)
  medications?: OpioidDoseDto[];

  @ApiProperty({ enum: POINTS })
  @IsIn(POINTS)
  point!: MeasurementPoint;

  @ApiProperty({ example: '2026-03-09T10:00:00Z' })
  @IsISO8601({ strict: true })
  administeredAt!: string;

  @ApiProperty({ example: 'clin_synthetic_psy_01', description: 'Pseudonymous id of who administered it.' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'administeredBy must be 1-64 letters, digits, _ or -' })
  administeredBy!: string;

  @ApiPropertyOptional({ example: 'grp_cancer_tuesday' })
  @IsOptional()
  @Matches(/^grp_[A-Za-z0-9_-]{1,64}$/, { message: 'groupId must be a group id (grp_…)' })
  groupId?: string;
}
