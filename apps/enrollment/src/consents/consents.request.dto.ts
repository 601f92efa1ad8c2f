import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, Matches } from 'class-validator';
import type { ConsentKind, SharingScope } from '@carecircle/enrollment/domain';

export const CONSENT_KINDS: ConsentKind[] = ['treatment', 'confidentiality-agreement'];
const SCOPES: SharingScope[] = ['psychiatrist', 'cbt-therapist', 'palliative-team', 'primary-care'];
const OPAQUE = /^[A-Za-z0-9_-]{1,64}$/;

export class RecordConsentRequestDto {
  @ApiProperty({ enum: CONSENT_KINDS })
  @IsIn(CONSENT_KINDS)
  kind!: ConsentKind;

  @ApiProperty({ example: '2026-01' })
  @Matches(/^[A-Za-z0-9._-]{1,32}$/, { message: 'agreementVersion must be 1-32 letters, digits, ., _ or -' })
  agreementVersion!: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  @IsArray()
  @ArrayMaxSize(SCOPES.length)
  @IsIn(SCOPES, { each: true })
  sharingScope!: SharingScope[];

  @ApiProperty({ example: 'staff_01' })
  @Matches(OPAQUE, { message: 'recordedBy must be an opaque id (letters, digits, _ or -)' })
  recordedBy!: string;

  @ApiProperty({ example: '2026-03-01T10:00:00Z' })
  @IsISO8601({ strict: true })
  signedAt!: string;
}

export class WithdrawConsentRequestDto {
  @ApiProperty({ example: 'staff_01' })
  @Matches(OPAQUE, { message: 'withdrawnBy must be an opaque id (letters, digits, _ or -)' })
  withdrawnBy!: string;
}
