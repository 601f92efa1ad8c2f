import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsUUID, Matches } from 'class-validator';
import type { WaitlistPriority, WithdrawalReason } from '@carecircle/enrollment/domain';

export class PlaceMemberRequestDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  referralId!: string;
}

export class JoinWaitlistRequestDto extends PlaceMemberRequestDto {
  @ApiPropertyOptional({
    enum: [1, 2, 3],
    default: 2,
    description: '1 is the most urgent; first come, first served within a priority.',
  })
  @IsOptional()
  @IsInt()
  @IsIn([1, 2, 3])
  priority?: WaitlistPriority;
}

const REASONS: WithdrawalReason[] = ['member-request', 'consent-withdrawn', 'clinical', 'other'];

export class WithdrawMemberRequestDto {
  @ApiProperty({ example: 'mbr_synthetic_0001' })
  @Matches(/^mbr_[A-Za-z0-9_-]{6,64}$/, { message: 'memberId must be a pseudonymous member id (mbr_…)' })
  memberId!: string;

  @ApiProperty({ enum: REASONS })
  @IsIn(REASONS)
  reason!: WithdrawalReason;
}
