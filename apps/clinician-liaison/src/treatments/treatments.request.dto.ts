import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

const ID = /^[A-Za-z0-9_-]{1,96}$/;

export class ChangeDoseRequestDto {
  @ApiPropertyOptional({ description: 'Total daily dose (mg/day; fentanyl patch: mcg/h)', example: 50 })
  @IsOptional()
  @IsNumber({}, { message: 'dailyDose must be a number' })
  @Min(0)
  dailyDose?: number;

  @ApiProperty({ example: 'mg' })
  @IsString()
  @MaxLength(16)
  doseUnit!: string;

  @ApiProperty({ example: 'daily' })
  @IsString()
  @MaxLength(64)
  frequency!: string;

  @ApiProperty({ example: 'clin_synthetic_psy_01' })
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'prescriberId must be an opaque clinician id' })
  prescriberId!: string;
}

export class StartMedicationRequestDto extends ChangeDoseRequestDto {
  @ApiProperty({ example: 'med_0001' })
  @Matches(ID, { message: 'medicationId must be 1-96 letters, digits, _ or -' })
  medicationId!: string;

  @ApiPropertyOptional({ example: '36437', description: 'RxNorm code (ingredient or product)' })
  @IsOptional()
  @Matches(/^\d{1,10}$/, { message: 'rxnormCode must be an RxNorm concept id' })
  rxnormCode?: string;

  @ApiProperty({ example: 'sertraline' })
  @IsString()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'oral' })
  @IsString()
  @MaxLength(32)
  route!: string;
}

export class StartPlanRequestDto {
  @ApiProperty({ example: 'plan_0001' })
  @Matches(ID, { message: 'planId must be 1-96 letters, digits, _ or -' })
  planId!: string;

  @ApiPropertyOptional({ example: 'comfort-focused care at home' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  goalsOfCare?: string;

  @ApiPropertyOptional({ example: 'clin_synthetic_cbt_01' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'therapistId must be an opaque clinician id' })
  therapistId?: string;
}
