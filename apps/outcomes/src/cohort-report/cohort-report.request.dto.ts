import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, Matches } from 'class-validator';
import { INSTRUMENTS, type Instrument } from '@carecircle/outcomes/domain';

export class CohortReportQueryDto {
  @ApiProperty({ enum: INSTRUMENTS })
  @IsIn(INSTRUMENTS)
  instrument!: Instrument;

  @ApiPropertyOptional({ example: 'grp_cancer_tuesday' })
  @IsOptional()
  @Matches(/^grp_[A-Za-z0-9_-]{1,64}$/, { message: 'groupId must be a group id (grp_…)' })
  groupId?: string;

  @ApiPropertyOptional({ enum: ['disease-specific', 'stage-specific', 'general-emotional-support'] })
  @IsOptional()
  @IsIn(['disease-specific', 'stage-specific', 'general-emotional-support'])
  groupType?: string;

  @ApiPropertyOptional({ example: 'cancer' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'condition must be a coded condition category' })
  condition?: string;

  @ApiPropertyOptional({ description: 'Measures administered from (inclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Measures administered before (exclusive)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}
