import { ApiProperty } from '@nestjs/swagger';
import { AttendanceEntryDto, AttendanceSessionDto, ROSTER_NAMES } from '../care-console.response.dto';

export class GroupSessionDoseDto {
  @ApiProperty({ description: 'Sessions attended (in person or online).', example: 4 })
  attended!: number;
  @ApiProperty({ description: 'Sessions that make a dose.', example: 6 })
  dose!: number;
  @ApiProperty({ example: false })
  doseReached!: boolean;
}

export class GroupSessionMemberDto extends AttendanceEntryDto {
  @ApiProperty({ description: "The facilitator's note ('' when none).", example: 'Calmer by the end.' })
  note!: string;
  @ApiProperty({ type: GroupSessionDoseDto })
  dose!: GroupSessionDoseDto;
}

export class GroupSessionResponseDto {
  @ApiProperty({ example: 'grp_cancer_tuesday' })
  groupId!: string;
  @ApiProperty({ type: AttendanceSessionDto })
  session!: AttendanceSessionDto;
  @ApiProperty({ type: [GroupSessionMemberDto] })
  members!: GroupSessionMemberDto[];
  @ApiProperty(ROSTER_NAMES)
  names!: Record<string, string>;
}

/** Scheduling's answer, passed on as it is. */
export class MemberSessionNotesResponseDto {
  @ApiProperty({ example: 'mbr_synthetic_0001' })
  memberId!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Newest session first: group, session and its start, the note, who wrote it and when.',
    example: [
      {
        groupId: 'grp_cancer_tuesday',
        sessionId: 'grp_cancer_tuesday-s02',
        sessionStartsAt: '2026-03-24T17:00:00.000Z',
        note: 'Calmer by the end.',
        writtenBy: 'fac_synthetic_sw_01',
        writtenAt: '2026-03-24T19:00:00.000Z',
      },
    ],
  })
  notes!: object[];
}
