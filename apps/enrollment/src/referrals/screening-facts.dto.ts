import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export class Phq9Dto {
  @ApiProperty({ minimum: 0, maximum: 27 })
  @IsInt()
  @Min(0)
  @Max(27)
  total!: number;

  @ApiProperty({ minimum: 0, maximum: 3, description: 'Item 9 (thoughts of self-harm)' })
  @IsInt()
  @Min(0)
  @Max(3)
  item9!: number;
}

/** The clinical facts screening needs (synthetic or pseudonymised; never names or MRNs). */
export class ScreeningFactsDto {
  @ApiProperty({ minimum: 0, maximum: 120 })
  @IsInt()
  @Min(0)
  @Max(120)
  age!: number;

  @ApiProperty({ type: [String], example: ['cancer'], description: 'Coded condition categories' })
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(/^[a-z0-9-]{1,64}$/, {
    each: true,
    message: 'conditions must be coded categories (lowercase letters, digits, -)',
  })
  conditions!: string[];

  @ApiPropertyOptional({ type: Phq9Dto })
  @IsOptional()
  @ValidateNested()
  @Type(() => Phq9Dto)
  phq9?: Phq9Dto;

  @ApiPropertyOptional({ minimum: 0, maximum: 21 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(21)
  gad7?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 80 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(80)
  pcl5?: number;

  @ApiProperty() @IsBoolean() ptsdDiagnosis!: boolean;
  @ApiProperty() @IsBoolean() highImpulsivity!: boolean;
  @ApiProperty() @IsBoolean() acutePsychogenicDisorder!: boolean;
  @ApiProperty() @IsBoolean() suicidalOrHomicidalIntent!: boolean;
  @ApiProperty() @IsBoolean() psychosisOrAcuteMania!: boolean;

  @ApiPropertyOptional({ description: 'Trauma-focused individual counseling already under way' })
  @IsOptional()
  @IsBoolean()
  individualCounselingInPlace?: boolean;
}

export class ScreenMemberRequestDto {
  @ApiProperty({ type: ScreeningFactsDto })
  @ValidateNested()
  @Type(() => ScreeningFactsDto)
  facts!: ScreeningFactsDto;
}
