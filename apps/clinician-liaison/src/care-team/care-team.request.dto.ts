import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsString, IsUrl, Length, Matches } from 'class-validator';
import type { CareTeamRole, Cohort, EmergencyAccessReason } from '@carecircle/clinician-liaison/domain';

const ROLES: CareTeamRole[] = [
  'attending-psychiatrist',
  'physician',
  'cbt-therapist',
  'palliative-team',
  'facilitator',
];
const COHORTS: Cohort[] = ['general', 'palliative'];

export class AssignCareTeamMemberRequestDto {
  @ApiProperty({ example: 'clin_synthetic_psy_01' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'clinicianId must be an opaque clinician id' })
  clinicianId!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: CareTeamRole;

  @ApiPropertyOptional({ example: 'https://fhir.example.org/Endpoint/psy-01' })
  @IsOptional()
  @IsUrl({ require_tld: false }, { message: 'endpoint must be a URL' })
  endpoint?: string;
}

export class RecordMemberProfileRequestDto {
  @ApiProperty({ example: '2004-01-15' })
  @IsISO8601({ strict: true }, { message: 'birthDate must be an ISO date' })
  birthDate!: string;

  @ApiProperty({ enum: COHORTS })
  @IsIn(COHORTS)
  cohort!: Cohort;

  @ApiProperty()
  @IsBoolean()
  shareMedicationDetailsWithFacilitator!: boolean;

  @ApiProperty()
  @IsBoolean()
  part2Consent!: boolean;
}

const EMERGENCY_REASONS: EmergencyAccessReason[] = ['emergency-treatment', 'covering-clinician', 'safety-concern'];

export class OpenEmergencyAccessRequestDto {
  @ApiProperty({ enum: EMERGENCY_REASONS })
  @IsIn(EMERGENCY_REASONS)
  reasonCode!: EmergencyAccessReason;

  /** The clinician's own words: kept in clinician-liaison's store only, never published nor logged. */
  @ApiProperty({ minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500, { message: 'note must be 1 to 500 characters' })
  note!: string;
}
