import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const GROUP_ID = 'grp_breast-cancer-spring';
const MEMBER_ID = 'mbr_7d2c41a9';
const OPEN_OBJECTS = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

/** A scheduling command's answer: the types of the events it recorded (none when it changed nothing). */
export class SchedulingEventsResponseDto {
  @ApiProperty({ type: [String], example: ['AttendanceRecorded', 'DoseReached'] })
  events!: string[];
}

export class GroupCommandResponseDto {
  @ApiProperty({ example: GROUP_ID })
  groupId!: string;
  @ApiProperty({
    enum: ['formed', 'already-formed', 'changed', 'unchanged', 'closed', 'already-closed'],
    example: 'formed',
  })
  status!: string;
  @ApiPropertyOptional({ description: 'Forming only: the sessions scheduled.', example: 8 })
  sessions?: number;
}

export class GroupCalendarResponseDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The group's details (no video link) and status.",
    example: { groupId: GROUP_ID, name: 'Spring breast cancer support', status: 'active' },
  })
  group!: object;
  @ApiProperty({
    ...OPEN_OBJECTS,
    description:
      'Sessions in order; each with `attendance` (member and status) for callers who run the group, `attendanceRecorded` (a count) for others.',
    example: [
      {
        sessionId: 'ses_1',
        sequence: 1,
        start: '2026-04-07T17:00:00.000Z',
        end: '2026-04-07T18:30:00.000Z',
        status: 'scheduled',
        attendance: [{ memberId: MEMBER_ID, status: 'attended' }],
      },
    ],
  })
  sessions!: object[];
}

export class UpcomingSessionDto {
  @ApiProperty({ example: GROUP_ID })
  groupId!: string;
  @ApiProperty({ example: 'ses_3' })
  sessionId!: string;
  @ApiProperty({ example: 3 })
  sequence!: number;
  @ApiProperty({ format: 'date-time', example: '2026-04-21T17:00:00.000Z' })
  startsAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-04-21T18:30:00.000Z' })
  endsAt!: string;
  @ApiProperty({ enum: ['scheduled'], example: 'scheduled' })
  status!: string;
  @ApiProperty({ example: 1 })
  revision!: number;
}

export class FacilitatorSessionsResponseDto {
  @ApiProperty({ example: 'fac_ada' })
  facilitatorId!: string;
  @ApiProperty({ type: [UpcomingSessionDto] })
  sessions!: UpcomingSessionDto[];
}

export class GroupRosterResponseDto {
  @ApiProperty({ example: GROUP_ID })
  groupId!: string;
  @ApiProperty({
    ...OPEN_OBJECTS,
    description: 'Enrolled and withdrawn members, in enrolment order.',
    example: [{ memberId: MEMBER_ID, status: 'enrolled', enrolledAt: '2026-03-03T10:00:00.000Z' }],
  })
  members!: object[];
  @ApiProperty({ example: 8 })
  enrolmentsApplied!: number;
  @ApiProperty({ example: 1 })
  withdrawalsApplied!: number;
}

const LOAD = {
  type: 'object',
  additionalProperties: true,
  description: 'A rolling window: its contacts, their weight and whether it is over the cap.',
} as const;

export class WhatIfLoadResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty(LOAD)
  current!: object;
  @ApiProperty(LOAD)
  ifBooked!: object;
  @ApiProperty({ example: false })
  wouldCrossCap!: boolean;
  @ApiProperty({
    ...OPEN_OBJECTS,
    description: 'Group sessions the appointment would clash with or crowd.',
    example: [
      {
        groupId: GROUP_ID,
        sessionId: 'ses_2',
        start: '2026-04-14T17:00:00.000Z',
        end: '2026-04-14T18:30:00.000Z',
        conflict: 'too-close',
        gapMinutes: 30,
      },
    ],
  })
  conflicts!: object[];
}

export class MemberWeekResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-30T00:00:00.000Z' })
  from!: string;
  @ApiProperty({ format: 'date-time', example: '2026-04-06T00:00:00.000Z' })
  to!: string;
  @ApiProperty({ ...OPEN_OBJECTS, description: "The member's group sessions in the week." })
  groupSessions!: object[];
  @ApiProperty({ ...OPEN_OBJECTS, description: 'Other booked contacts (appointments, treatments) in the week.' })
  contacts!: object[];
  @ApiProperty(LOAD)
  load!: object;
}

export const ICS_EXAMPLE =
  'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//CareCircle//Scheduling//EN\r\nBEGIN:VEVENT\r\nUID:ses_1@carecircle\r\nDTSTART:20260407T170000Z\r\nDTEND:20260407T183000Z\r\nSUMMARY:Support group session 1\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n';
