import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsISO8601, Matches } from 'class-validator';
import type { TherapeuticContactKind } from '@carecircle/scheduling/domain';

const KINDS: TherapeuticContactKind[] = ['cbt', 'psychiatry', 'palliative', 'individual-counseling'];

export class ContactTimeDto {
  @ApiProperty({ example: '2026-03-31T14:00:00.000Z' }) @IsISO8601({ strict: true }) start!: string;
  @ApiProperty({ example: '2026-03-31T14:50:00.000Z' }) @IsISO8601({ strict: true }) end!: string;
}

export class ProposedContactDto extends ContactTimeDto {
  @ApiProperty({ enum: KINDS }) @IsIn(KINDS) kind!: TherapeuticContactKind;
}

export class BookContactRequestDto extends ProposedContactDto {
  @ApiProperty({
    example: 'tc_3f1a2b7c',
    description: 'Chosen by the booking system; re-sending the same booking is harmless.',
  })
  @Matches(/^[A-Za-z0-9_-]{1,96}$/, { message: 'contactId must be an opaque id' })
  contactId!: string;
}
