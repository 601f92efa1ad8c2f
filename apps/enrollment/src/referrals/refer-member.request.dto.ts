import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, Matches, ValidateNested } from 'class-validator';
import { ReceiveReferralRequestDto } from '../receive-referral/receive-referral.request.dto';
import { ScreeningFactsDto } from './screening-facts.dto';

/** A referral with what screening needs: screened on arrival. */
export class ReferMemberRequestDto extends ReceiveReferralRequestDto {
  @ApiPropertyOptional({ example: 'cancer' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'wantedCondition must be a coded category (lowercase letters, digits, -)' })
  wantedCondition?: string;

  @ApiPropertyOptional({ example: 'post-surgical-recovery' })
  @IsOptional()
  @Matches(/^[a-z0-9-]{1,64}$/, { message: 'wantedStage must be a coded category (lowercase letters, digits, -)' })
  wantedStage?: string;

  @ApiProperty({ type: ScreeningFactsDto })
  @ValidateNested()
  @Type(() => ScreeningFactsDto)
  screeningFacts!: ScreeningFactsDto;
}
