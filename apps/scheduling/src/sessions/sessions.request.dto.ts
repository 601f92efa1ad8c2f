import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsISO8601, Matches } from 'class-validator';
import type { AttendanceStatus, SessionCancellationReason } from '@carecircle/scheduling/domain';

const REASONS: SessionCancellationReason[] = [
  'facilitator-unavailable',
  'venue-unavailable',
  'holiday',
  'low-attendance',
  'other',
];
const STATUSES: AttendanceStatus[] = ['attended-in-person', 'attended-online', 'absent', 'excused'];

export class RescheduleSessionRequestDto {
  @ApiProperty({ example: '2026-03-25T17:00:00.000Z', description: 'New start; the session keeps its length.' })
  @IsISO8601({ strict: true })
  startsAt!: string;
}

export class CancelSessionRequestDto {
  @ApiProperty({ enum: REASONS })
  @IsIn(REASONS)
  reason!: SessionCancellationReason;
}

export class AttendanceRequestDto {
  @ApiProperty({ example: 'mbr_synthetic_0001' })
  @Matches(/^mbr_[A-Za-z0-9_-]{6,64}$/, { message: 'memberId must be a pseudonymous member id (mbr_…)' })
  memberId!: string;

  @ApiProperty({ enum: STATUSES })
  @IsIn(STATUSES)
  status!: AttendanceStatus;
}
