import { ApiProperty } from '@nestjs/swagger';

export class IdentityReviewItemDto {
  @ApiProperty({ example: '41' })
  id!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-02T09:30:00.000Z' })
  detectedAt!: string;
  @ApiProperty({
    description: 'Why it needs a person to look (a coded reason, no identifying data).',
    example: 'identifiers-of-several-members',
  })
  reasonCode!: string;
  @ApiProperty({ type: [String], example: ['mbr_synthetic_0001'] })
  memberIds!: string[];
  @ApiProperty({ enum: ['Patient'], example: 'Patient' })
  resourceType!: string;
}

export class IdentityReviewsResponseDto {
  @ApiProperty({ type: [IdentityReviewItemDto] })
  items!: IdentityReviewItemDto[];
}
