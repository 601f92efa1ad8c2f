import { ApiProperty } from '@nestjs/swagger';

export class SessionNoteDto {
  @ApiProperty({ example: 'mbr_synthetic_0001' })
  memberId!: string;
  @ApiProperty({ example: 'Calmer by the end.' })
  note!: string;
  @ApiProperty({ example: 'fac_synthetic_sw_01' })
  writtenBy!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-24T19:00:00.000Z' })
  writtenAt!: string;
}

export class SessionNotesResponseDto {
  @ApiProperty({ example: 'grp_cancer_tuesday' })
  groupId!: string;
  @ApiProperty({ example: 'grp_cancer_tuesday-s02' })
  sessionId!: string;
  @ApiProperty({ type: [SessionNoteDto] })
  notes!: SessionNoteDto[];
}

export class MemberSessionNoteDto extends SessionNoteDto {
  @ApiProperty({ example: 'grp_cancer_tuesday' })
  groupId!: string;
  @ApiProperty({ example: 'grp_cancer_tuesday-s02' })
  sessionId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-24T17:00:00.000Z' })
  sessionStartsAt!: string;
}

export class MemberSessionNotesResponseDto {
  @ApiProperty({ example: 'mbr_synthetic_0001' })
  memberId!: string;
  @ApiProperty({ type: [MemberSessionNoteDto] })
  notes!: MemberSessionNoteDto[];
}
