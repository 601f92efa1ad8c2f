import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

const MEMBER_ID = 'mbr_7d2c41a9';
const ALERT_ID = '5f0c3d2e-8a41-4b6f-9c27-1e3d4a5b6c7d';

/** A liaison command's answer: whether it changed anything (a repeat does not). */
export class LiaisonCommandResponseDto {
  @ApiProperty({ example: true })
  changed!: boolean;
}

export class EmergencyAccessResponseDto extends LiaisonCommandResponseDto {
  @ApiProperty({
    format: 'date-time',
    description: 'When the emergency window closes.',
    example: '2026-03-02T10:30:00.000Z',
  })
  expiresAt!: string;
}

export class MedicationStartedResponseDto extends LiaisonCommandResponseDto {
  @ApiProperty({ description: "How the medication's class was recognised (its status).", example: 'classified' })
  classification!: string;
}

export class DistressReportResponseDto {
  @ApiProperty({ format: 'uuid', example: '8e2d6b14-0f3a-4c59-a7e1-2b9c5d0f4a36' })
  reportId!: string;
  @ApiProperty({ description: 'false for a repeat of a report already recorded.', example: true })
  recorded!: boolean;
}

export class AlertViewDto {
  @ApiProperty({ format: 'uuid', example: ALERT_ID })
  alertId!: string;
  @ApiProperty({ example: MEMBER_ID })
  memberId!: string;
  @ApiProperty({ example: 'distress-reported' })
  rule!: string;
  @ApiProperty({ example: 'high' })
  severity!: string;
  @ApiProperty({ example: 'open' })
  status!: string;
  @ApiProperty({ example: 'primary-clinician' })
  recipientRole!: string;
  @ApiProperty({ type: String, nullable: true, example: 'clin_ada' })
  recipientId!: string | null;
  @ApiProperty({ example: 'Distress reported in group' })
  summary!: string;
  @ApiProperty({ example: 'A facilitator reported distress during session 3.' })
  detail!: string;
  @ApiProperty({ type: [String], example: ['0b9f3c52-71e4-4d8a-a6c2-5e13f07b9d24'] })
  evidenceEventIds!: string[];
  @ApiProperty({ example: 0 })
  escalationLevel!: number;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  raisedAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Why it was overridden, when it was (on any copy of the alert: they share one lifecycle). Never in a facilitator’s view: a clinician’s reason may name a drug.',
    example: 'Dose change discussed with the member today',
  })
  overrideReason!: string | null;
}

export class DeliveryViewDto {
  @ApiProperty({ format: 'uuid', example: ALERT_ID })
  alertId!: string;
  @ApiProperty({ example: 'fhir-communication' })
  channel!: string;
  @ApiProperty({ example: 1 })
  attempts!: number;
  @ApiProperty({ type: String, nullable: true, format: 'date-time', example: '2026-03-02T09:30:05.000Z' })
  deliveredAt!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 201 })
  lastStatus!: number | null;
  @ApiProperty({ type: String, nullable: true, example: null })
  lastError!: string | null;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  nextAttemptAt!: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    format: 'date-time',
    description: 'Set when the push was given up on: it waits for an operator.',
    example: null,
  })
  parkedAt!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: null })
  parkReason!: string | null;
}

export class MedicationListEntryDto {
  @ApiProperty({ example: 'med_demo_0001' })
  medicationId!: string;
  @ApiProperty({ example: 'sertraline' })
  name!: string;
  @ApiProperty({ type: String, nullable: true, example: 'sertraline' })
  ingredient!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '36437' })
  rxnormCode!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 50 })
  dailyDose!: number | null;
  @ApiProperty({ example: 'mg' })
  doseUnit!: string;
  @ApiProperty({ example: 'oral' })
  route!: string;
  @ApiProperty({ example: 'daily' })
  frequency!: string;
  @ApiProperty({ type: [String], description: 'Drug classes; empty when unclassified.', example: ['ssri'] })
  classes!: string[];
  @ApiProperty({ example: 'clin_synthetic_psy_01' })
  prescriberId!: string;
  @ApiProperty({ enum: ['active', 'stopped'], example: 'active' })
  status!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  startedAt!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:00:00.000Z' })
  changedAt!: string;
}
