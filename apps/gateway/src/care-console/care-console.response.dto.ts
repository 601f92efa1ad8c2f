import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const MEMBER_ID = 'mbr_synthetic_0001';
const GROUP_ID = 'grp_cancer_tuesday';
const OPEN_OBJECT = { type: 'object', additionalProperties: true } as const;
const OPEN_OBJECTS = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;
const NAMES = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description:
    'Display names by id: the members shown (only those the reader may see, from their sealed identity; audited) and the staff who acted (from the staff directory). An id without a name is left out.',
  example: { [MEMBER_ID]: 'Ana Ruiz', fac_synthetic_sw_01: 'Sam Okafor' },
} as const;
/** A roster's names: the reader sees a neutral label for a member left out. */
export const ROSTER_NAMES = {
  ...NAMES,
  description:
    'Display names by member id, for the members of the roster the reader may see (their sealed identity, opened at the gateway and audited). A member without a name here is shown by a neutral label, never by id.',
  example: { [MEMBER_ID]: 'Ana Ruiz' },
} as const;

export class AlertActionResponseDto {
  @ApiProperty({ format: 'uuid', example: '5f0c3d2e-8a41-4b6f-9c27-1e3d4a5b6c7d' })
  alertId!: string;
  @ApiProperty({ enum: ['acknowledgement', 'resolution'], example: 'acknowledgement' })
  requested!: string;
  @ApiProperty({ ...OPEN_OBJECT, description: "clinician-liaison's answer.", example: { changed: true } })
  answer!: object;
}

export class DistressReportTakenResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ format: 'uuid', example: '8e2d6b14-0f3a-4c59-a7e1-2b9c5d0f4a36' })
  reportId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T18:05:00.000Z' })
  observedAt!: string;
  @ApiProperty({
    ...OPEN_OBJECT,
    description: "clinician-liaison's answer.",
    example: { reportId: '8e2d6b14-0f3a-4c59-a7e1-2b9c5d0f4a36', recorded: true },
  })
  answer!: object;
}

export class AlertCountsDto {
  @ApiProperty({ example: 2 })
  new!: number;
  @ApiProperty({ example: 1 })
  escalated!: number;
  @ApiProperty({ example: 3 })
  acknowledged!: number;
  @ApiProperty({ example: 5 })
  resolved!: number;
}

/** Who acted on an alert, and when. */
export class AlertResolutionDto {
  @ApiProperty({ type: String, nullable: true, example: 'fac_synthetic_sw_01' })
  by!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-10T09:10:00.000Z' })
  at!: string;
}

export class AlertAcknowledgementDto extends AlertResolutionDto {
  @ApiProperty({ enum: ['accepted', 'overridden'], example: 'overridden' })
  outcome!: string;
  @ApiProperty({
    description: 'Whether an override reason was given (its text stays in clinician-liaison).',
    example: true,
  })
  reasonGiven!: boolean;
}

export class AlertEscalationDto {
  @ApiProperty({ format: 'date-time', example: '2026-03-10T09:30:00.000Z' })
  at!: string;
  @ApiProperty({ example: 1 })
  level!: number;
}

/** One alert in a home's inbox: the reader's copy, its state, and who acted on it when (from liaison's events). */
export class InboxAlertDto {
  @ApiProperty({ format: 'uuid', example: '5f0c3d2e-8a41-4b6f-9c27-1e3d4a5b6c7d' })
  alertId!: string;
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ example: 'acute-distress' })
  rule!: string;
  @ApiProperty({ enum: ['info', 'warning', 'critical'], example: 'critical' })
  severity!: string;
  @ApiProperty({ enum: ['new', 'escalated', 'acknowledged', 'resolved'], example: 'new' })
  state!: string;
  @ApiProperty({ description: "clinician-liaison's status.", example: 'delivered' })
  status!: string;
  @ApiProperty({ example: 'facilitator' })
  recipientRole!: string;
  @ApiProperty({ example: 'Distress reported in group' })
  summary!: string;
  @ApiProperty({
    description: 'The reader’s copy: a facilitator’s has no drug or dose.',
    example: 'Follow up with the member before the next session.',
  })
  detail!: string;
  @ApiProperty({ example: 0 })
  escalationLevel!: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-10T09:00:00.000Z' })
  raisedAt!: string;
  @ApiProperty({ description: 'Neither acknowledged nor resolved.', example: true })
  open!: boolean;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it escalates unless acknowledged, as raised.',
    example: '2026-03-10T09:30:00.000Z',
  })
  dueAt!: string | null;
  @ApiProperty({ type: AlertAcknowledgementDto, nullable: true })
  acknowledged!: AlertAcknowledgementDto | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Why it was overridden (on whichever copy: the copies share one lifecycle). Clinicians only: always null for a facilitator.',
    example: 'Dose change discussed with the member today',
  })
  overrideReason!: string | null;
  @ApiProperty({ type: AlertEscalationDto, nullable: true })
  escalated!: AlertEscalationDto | null;
  @ApiProperty({ type: AlertResolutionDto, nullable: true })
  resolved!: AlertResolutionDto | null;
}

export class ConsoleHomeResponseDto {
  @ApiProperty({ enum: ['facilitator', 'clinician', 'programme-lead'], example: 'facilitator' })
  role!: string;
  @ApiProperty({ example: 'fac_ada' })
  id!: string;
  @ApiPropertyOptional({
    ...OPEN_OBJECTS,
    description: 'Facilitator: my groups, each with its roster (dose progress) and sessions to attend.',
    example: [
      {
        groupId: GROUP_ID,
        groupType: 'support',
        status: 'active',
        roster: [{ memberId: MEMBER_ID, attended: 4, dose: 6 }],
        sessions: [],
      },
    ],
  })
  groups?: object[];
  @ApiPropertyOptional({ ...OPEN_OBJECTS, description: 'Facilitator: my next sessions.' })
  upcomingSessions?: object[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string' },
    description: 'Clinician: my care-team members.',
    example: [MEMBER_ID],
  })
  members?: string[];
  @ApiPropertyOptional({
    type: AlertCountsDto,
    description: 'Facilitator and clinician: how many of my alerts are in each state.',
  })
  alertCounts?: AlertCountsDto;
  @ApiPropertyOptional({
    type: [InboxAlertDto],
    description:
      'Facilitator and clinician: new and escalated alerts (facilitator copies for my members, or those addressed to me), most severe first, then the soonest to escalate, then the oldest.',
  })
  openAlerts?: InboxAlertDto[];
  @ApiPropertyOptional({
    type: [InboxAlertDto],
    description:
      'Facilitator and clinician: acknowledged and resolved alerts, the latest acted on first (the last 20).',
  })
  doneAlerts?: InboxAlertDto[];
  @ApiPropertyOptional(NAMES)
  names?: Record<string, string>;
}

export class MemberAlertsResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({
    enum: ['full', 'facilitator'],
    description: 'Which view of the alerts the reader gets.',
    example: 'full',
  })
  view!: string;
  @ApiProperty({
    type: [InboxAlertDto],
    description:
      'Newest first, each with its state, escalation level, whether it is still open, and who acted on it when.',
  })
  alerts!: InboxAlertDto[];
  @ApiPropertyOptional(NAMES)
  names?: Record<string, string>;
}

export class MemberOutcomesResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({
    ...OPEN_OBJECTS,
    description:
      'Per instrument: measures oldest first (date, total, band), the severity bands, baseline and latest, the meaningful change (PHQ-9 5, GAD-7 4); for PHQ-9 `item9FlaggedAt`, when the latest PHQ-9 answered item 9 above zero (else null; the answer itself is the care team’s).',
    example: [
      { instrument: 'PHQ-9', baseline: 14, latest: 8, measures: [{ at: '2026-03-02', total: 14, band: 'moderate' }] },
    ],
  })
  instruments!: object[];
}

export class AttendanceSessionDto {
  @ApiProperty({ example: 'ses_3' })
  sessionId!: string;
  @ApiProperty({ format: 'date-time', example: '2026-04-21T17:00:00.000Z' })
  startsAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-04-21T18:30:00.000Z' })
  endsAt!: string;
  @ApiProperty({ example: 'scheduled' })
  status!: string;
  @ApiProperty({ example: true })
  started!: boolean;
}

export class AttendanceEntryDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: nothing recorded yet.', example: 'attended' })
  status!: string | null;
}

export class AttendanceSheetResponseDto {
  @ApiProperty({ example: GROUP_ID })
  groupId!: string;
  @ApiProperty({ type: AttendanceSessionDto })
  session!: AttendanceSessionDto;
  @ApiProperty({ type: [AttendanceEntryDto] })
  members!: AttendanceEntryDto[];
  @ApiProperty(ROSTER_NAMES)
  names!: Record<string, string>;
}

export class AttendanceSavedResponseDto {
  @ApiProperty({ description: 'Entries recorded or corrected.', example: 2 })
  saved!: number;
  @ApiProperty({ type: AttendanceSheetResponseDto })
  sheet!: AttendanceSheetResponseDto;
}

export const CONSOLE_COHORT_REPORT_EXAMPLE = {
  instrument: 'PHQ-9',
  members: 24,
  all: { n: 20, meanChange: -3.7 },
  smallCellThreshold: 5,
};

export class MemberMedicationsResponseDto {
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({
    ...OPEN_OBJECTS,
    description:
      'As clinician-liaison lists them (active first, then the latest started first): drug, ingredient, daily dose and unit, route, frequency, drug classes, prescriber id (its name in `names`), status, start.',
    example: [
      {
        medicationId: 'med_demo_0001',
        name: 'sertraline',
        ingredient: 'sertraline',
        dailyDose: 50,
        doseUnit: 'mg',
        classes: ['ssri'],
        prescriberId: 'clin_synthetic_psy_01',
        status: 'active',
        startedAt: '2026-03-02T09:00:00.000Z',
      },
    ],
  })
  medications!: object[];
  @ApiPropertyOptional(NAMES)
  names?: Record<string, string>;
}
