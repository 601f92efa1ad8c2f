import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';

/**
 * A report of acute distress seen in a session. No free text is needed: the note is optional, short, and
 * stays in clinician-liaison's store (never on the bus, in logs or in the alert).
 */
export class ReportDistressRequestDto {
  /** Chosen by the client (a UUID, say): the same id again is the same report, accepted once. */
  @ApiProperty({
    example: '7d0b6c1e-2f3a-4b5c-8d9e-0f1a2b3c4d5e',
    description:
      'client-chosen id of this report (1-96 letters, digits, _ or -); a retry with the same id changes nothing',
  })
  @Matches(/^[A-Za-z0-9_-]{1,96}$/, { message: 'reportId must be 1-96 letters, digits, _ or -' })
  reportId!: string;

  @ApiProperty({ example: 'grp_demo', description: "the member's group whose session it was" })
  @Matches(/^grp_[A-Za-z0-9_-]{1,64}$/, { message: 'groupId must be a group id (grp_…)' })
  groupId!: string;

  @ApiProperty({
    example: '2026-03-02T18:45:00Z',
    description: 'when the distress was observed (ISO 8601 date-time with offset), not in the future',
  })
  @IsISO8601({ strict: true }, { message: 'observedAt must be an ISO 8601 date-time' })
  @Matches(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'observedAt must be an ISO 8601 date-time with an offset',
  })
  observedAt!: string;

  @ApiPropertyOptional({ example: 'grp_demo-s03', description: 'the session, when known' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,96}$/, { message: 'sessionId must be 1-96 letters, digits, _ or -' })
  sessionId?: string;

  @ApiPropertyOptional({ maxLength: 280, description: 'optional short note; never needed, never published' })
  @IsOptional()
  @IsString()
  @Length(1, 280, { message: 'note must be 1 to 280 characters' })
  note?: string;
}
