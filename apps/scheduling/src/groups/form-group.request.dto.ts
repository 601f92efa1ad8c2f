import { ApiProperty, ApiPropertyOptional, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsTimeZone,
  IsUrl,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import type { Cadence, GroupType, Modality, Openness } from '@carecircle/scheduling/domain';

const OPAQUE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CODE = /^[a-z0-9-]{1,64}$/;

export class AgeBandDto {
  @ApiProperty({ minimum: 0, maximum: 120 }) @IsInt() @Min(0) @Max(120) min!: number;
  @ApiProperty({ minimum: 0, maximum: 120 }) @IsInt() @Min(0) @Max(120) max!: number;
}

export class FormGroupRequestDto {
  @ApiProperty({ example: 'grp_cancer_tuesday' })
  @Matches(/^grp_[A-Za-z0-9_-]{1,60}$/, { message: 'groupId must be grp_ followed by 1-60 letters, digits, _ or -' })
  groupId!: string;

  @ApiProperty({ enum: ['disease-specific', 'stage-specific', 'general-emotional-support'] })
  @IsIn(['disease-specific', 'stage-specific', 'general-emotional-support'])
  groupType!: GroupType;

  @ApiPropertyOptional({ example: 'cancer' })
  @IsOptional()
  @Matches(CODE, { message: 'condition must be a lower-case code' })
  condition?: string;
  @ApiPropertyOptional({ example: 'post-surgical-recovery' })
  @IsOptional()
  @Matches(CODE, { message: 'stage must be a lower-case code' })
  stage?: string;

  @ApiProperty({ minimum: 6, maximum: 12 }) @IsInt() @Min(6) @Max(12) seats!: number;
  @ApiProperty({ enum: ['open', 'closed'] }) @IsIn(['open', 'closed']) openness!: Openness;
  @ApiProperty({ enum: ['in-person', 'online', 'hybrid'] })
  @IsIn(['in-person', 'online', 'hybrid'])
  modality!: Modality;

  @ApiPropertyOptional({ example: 'loc_room_2', description: 'Required for in-person and hybrid groups.' })
  @IsOptional()
  @Matches(OPAQUE_ID, { message: 'locationId must be an opaque id' })
  locationId?: string;

  @ApiPropertyOptional({
    example: 'https://video.example.test/room-2',
    description: 'Required for online and hybrid groups; never published.',
  })
  @IsOptional()
  @IsUrl({ protocols: ['https'], require_protocol: true })
  videoLink?: string;

  @ApiProperty({ type: [String], example: ['fac_sw_01'] })
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @Matches(OPAQUE_ID, { each: true, message: 'facilitatorIds must be opaque ids' })
  facilitatorIds!: string[];

  @ApiProperty({ type: AgeBandDto }) @ValidateNested() @Type(() => AgeBandDto) ageBand!: AgeBandDto;
  @ApiProperty({ enum: ['weekly', 'biweekly', 'monthly'] }) @IsIn(['weekly', 'biweekly', 'monthly']) cadence!: Cadence;
  @ApiProperty({ minimum: 90, maximum: 120 }) @IsInt() @Min(90) @Max(120) sessionMinutes!: number;
  @ApiProperty({ minimum: 8, maximum: 12 }) @IsInt() @Min(8) @Max(12) courseWeeks!: number;
  @ApiProperty({ example: '2026-03-17T17:00:00.000Z' }) @IsISO8601({ strict: true }) firstSessionAt!: string;
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone the sessions are planned in.' })
  @IsTimeZone()
  timeZone!: string;
}

/** What may change on a formed group (the course's shape may not). */
export class ChangeGroupRequestDto extends PartialType(
  PickType(FormGroupRequestDto, ['seats', 'facilitatorIds', 'modality', 'locationId', 'videoLink', 'ageBand'] as const),
) {}

export class CloseGroupRequestDto {
  @ApiProperty({ enum: ['course-completed', 'too-few-members', 'facilitator-unavailable', 'other'] })
  @IsIn(['course-completed', 'too-few-members', 'facilitator-unavailable', 'other'])
  reason!: 'course-completed' | 'too-few-members' | 'facilitator-unavailable' | 'other';
}
