import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const REFERRAL_ID = '6f1c2a9e-3b1d-4e63-9a51-2f0d5c8b7e41';
const GROUP_ID = 'grp-breast-cancer-spring';
const MEMBER_ID = 'mbr-7d2c41';

/** What a referral command did: `status` says whether it changed anything (a repeat does not). */
export class ReferralCommandResponseDto {
  @ApiProperty({ format: 'uuid', example: REFERRAL_ID })
  referralId!: string;
  @ApiProperty({ enum: ['received', 'already-received', 'screened', 'unchanged'], example: 'received' })
  status!: string;
}

export class ConsentCommandResponseDto {
  @ApiProperty({ format: 'uuid', example: REFERRAL_ID })
  referralId!: string;
  @ApiProperty({ example: 'data-sharing' })
  kind!: string;
  @ApiProperty({ enum: ['recorded', 'already-recorded', 'withdrawn', 'not-on-record'], example: 'recorded' })
  status!: string;
}

export class ScreeningSummaryDto {
  @ApiProperty({ example: 'group-suitable' })
  outcome!: string;
  @ApiProperty({ type: [String], example: ['Distress score 5 is within the group range.'] })
  reasons!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Placement constraints screening set (e.g. a group type to avoid).',
    example: {},
  })
  constraints!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  screenedAt!: string;
}

export class HistoryEntryDto {
  @ApiProperty({ description: 'The stored event type.', example: 'ReferralReceived' })
  type!: string;
  @ApiPropertyOptional({ example: MEMBER_ID })
  memberId?: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  at!: string;
}

export class ReferralStatusResponseDto {
  @ApiProperty({ format: 'uuid', example: REFERRAL_ID })
  referralId!: string;
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ example: 'screened' })
  status!: string;
  @ApiProperty({ type: ScreeningSummaryDto, nullable: true })
  screening!: ScreeningSummaryDto | null;
  @ApiProperty({ type: [String], example: ['data-sharing', 'group-confidentiality'] })
  consents!: string[];
  @ApiProperty({ type: String, nullable: true, example: null })
  placementGroupId!: string | null;
  @ApiProperty({ type: [HistoryEntryDto] })
  history!: HistoryEntryDto[];
}

export class GroupProposalDto {
  @ApiProperty({ example: GROUP_ID })
  groupId!: string;
  @ApiProperty({
    enum: ['enrol', 'waitlist'],
    description: 'enrol: a seat is free now; waitlist: the group fits but is full.',
    example: 'enrol',
  })
  placement!: string;
  @ApiProperty({ example: 3 })
  score!: number;
  @ApiProperty({
    type: [String],
    example: ['Support group, as the referral asks.', "Age 54 is within the group's 40-65 band."],
  })
  reasons!: string[];
}

export class GroupExclusionDto {
  @ApiProperty({ example: 'grp-young-adults' })
  groupId!: string;
  @ApiProperty({ type: [String], example: ["Age 54 is outside the group's 18-30 band."] })
  reasons!: string[];
}

export class GroupProposalsResponseDto {
  @ApiProperty({ type: [GroupProposalDto], description: 'Best-fitting first.' })
  proposals!: GroupProposalDto[];
  @ApiProperty({ type: [GroupExclusionDto] })
  excluded!: GroupExclusionDto[];
}

export class PlacementRedirectDto {
  @ApiProperty({ enum: ['next-course', 'other-group', 'waitlist-for-next-course'], example: 'next-course' })
  kind!: string;
  @ApiProperty({ enum: ['closed-group-started', 'group-closed'], example: 'closed-group-started' })
  reason!: string;
  @ApiProperty({
    example:
      'This is a closed group that has already started: the member was placed in its next course (grp-breast-cancer-autumn).',
  })
  message!: string;
}

export class PlacementResponseDto {
  @ApiProperty({ example: GROUP_ID })
  groupId!: string;
  @ApiProperty({ format: 'uuid', example: REFERRAL_ID })
  referralId!: string;
  @ApiPropertyOptional({
    enum: ['enrolled', 'already-enrolled', 'offered', 'waitlisted', 'already-waitlisted'],
    example: 'enrolled',
  })
  status?: string;
  @ApiPropertyOptional({
    type: [String],
    description: 'Waitlist only: the events recorded.',
    example: ['MemberWaitlisted'],
  })
  events?: string[];
  @ApiPropertyOptional({
    description: 'Redirected only: the group the member went to.',
    example: 'grp-breast-cancer-autumn',
  })
  placedIn?: string;
  @ApiPropertyOptional({ type: PlacementRedirectDto })
  redirect?: PlacementRedirectDto;
}

export class SeatCommandResponseDto {
  @ApiProperty({ example: GROUP_ID })
  groupId!: string;
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ enum: ['enrolled', 'already-enrolled', 'declined', 'withdrawn', 'not-in-group'], example: 'enrolled' })
  status!: string;
}

export class GroupSeatsResponseDto {
  @ApiProperty({ example: GROUP_ID })
  groupId!: string;
  @ApiProperty({ example: 10 })
  seats!: number;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Facilitators and granted clients only: the enrolled members.',
    example: [{ memberId: MEMBER_ID, referralId: REFERRAL_ID, enrolledAt: '2026-03-03T10:00:00.000Z' }],
  })
  roster?: object[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Facilitators and granted clients only: the waitlist in serving order.',
  })
  waitlist?: object[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Facilitators and granted clients only: open seat offers.',
  })
  offers?: object[];
  @ApiPropertyOptional({ type: [HistoryEntryDto], description: 'Facilitators and granted clients only.' })
  history?: HistoryEntryDto[];
  @ApiPropertyOptional({ description: 'Everyone else: how many are enrolled.', example: 8 })
  enrolled?: number;
  @ApiPropertyOptional({ example: 2 })
  waitlisted?: number;
  @ApiPropertyOptional({ example: 1 })
  openOffers?: number;
}
