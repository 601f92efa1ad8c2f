import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { MEMBER_ID } from '../member-id.pipe';

export class AcknowledgeAlertRequestDto {
  @ApiProperty({ enum: ['accepted', 'overridden'] })
  @IsIn(['accepted', 'overridden'])
  outcome!: 'accepted' | 'overridden';

  @ApiPropertyOptional({ description: 'Required when overridden' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class ResolveAlertRequestDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class AlertInboxQueryDto {
  @ApiPropertyOptional({ enum: ['raised', 'delivered', 'acknowledged', 'resolved'] })
  @IsOptional()
  @IsIn(['raised', 'delivered', 'acknowledged', 'resolved'])
  status?: string;

  @ApiPropertyOptional({ enum: ['info', 'warning', 'critical'] })
  @IsOptional()
  @IsIn(['info', 'warning', 'critical'])
  severity?: string;

  @ApiPropertyOptional({ example: 'mbr_synthetic_0001', description: 'Only alerts about this member' })
  @IsOptional()
  @Matches(MEMBER_ID, { message: 'memberId must be a pseudonymous member id (mbr_…)' })
  memberId?: string;
}
