import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

export class EnrolMemberRequestDto {
  @ApiProperty({ example: 'grp_cancer_tuesday' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'groupId must be 1-64 letters, digits, _ or -' })
  groupId!: string;
}
