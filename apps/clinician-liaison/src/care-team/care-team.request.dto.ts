import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsISO8601, IsOptional, IsUrl, Matches } from 'class-validator';
import type { CareTeamRole, Cohort } from '@carecircle/clinician-liaison/domain';

const ROLES: CareTeamRole[] = ['attending-psychiatrist', 'physician', 'cbt-therapist', 'palliative-team', 'facilitator'];
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
