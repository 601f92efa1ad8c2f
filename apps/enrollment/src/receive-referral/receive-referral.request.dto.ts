import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import type { GroupType, MemberRole, Modality } from '@carecircle/enrollment/domain';

const GROUP_TYPES: GroupType[] = ['disease-specific', 'stage-specific', 'general-emotional-support'];
const MODALITIES: Modality[] = ['in-person', 'online', 'hybrid'];
const MEMBER_ROLES: MemberRole[] = ['patient', 'caregiver', 'family-member'];

/**
 * What every referral says about the member and what they want, as the referring clinician (or the
 * gateway, from a FHIR ServiceRequest) sends it; `POST /api/enrollment/referrals` adds the screening facts
 * (ReferMemberRequestDto).
 */
export class ReceiveReferralRequestDto {
  @ApiProperty({ format: 'uuid', description: 'Chosen by the sender; re-sending the same referral is harmless.' })
  @IsUUID()
  referralId!: string;

  @ApiProperty({ example: 'mbr_synthetic_0001', description: 'Pseudonymous member id (never an MRN or a name).' })
  @Matches(/^mbr_[A-Za-z0-9_-]{6,64}$/, {
    message: 'memberId must be a pseudonymous member id (mbr_ followed by 6-64 letters, digits, _ or -)',
  })
  memberId!: string;

  @ApiProperty({ example: 'clin_synthetic_psy_01' })
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'referringClinicianId must be an opaque id (letters, digits, _ or -)' })
  referringClinicianId!: string;

  @ApiProperty({ enum: GROUP_TYPES })
  @IsIn(GROUP_TYPES)
  wantedGroupType!: GroupType;

  @ApiProperty({ enum: MODALITIES })
  @IsIn(MODALITIES)
  modalityPreference!: Modality;

  @ApiProperty({ enum: MEMBER_ROLES })
  @IsIn(MEMBER_ROLES)
  memberRole!: MemberRole;
}
