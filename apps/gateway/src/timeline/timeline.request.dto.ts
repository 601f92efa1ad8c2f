import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsArray, IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TIMELINE_KINDS, type TimelineKind } from '@carecircle/gateway/domain';

export class TimelineQueryDto {
  @ApiPropertyOptional({ description: 'Entries at or after this instant (ISO 8601)', example: '2026-03-01T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Entries before this instant (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated entry kinds',
    example: ['alert', 'treatment'],
    enum: TIMELINE_KINDS,
    isArray: true,
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((kind) => kind.trim())
          .filter(Boolean)
      : value,
  )
  @IsArray()
  @IsIn(TIMELINE_KINDS, { each: true })
  types?: TimelineKind[];

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  // Only a query string's text becomes a number: @Type(() => Number) called Number() on anything, and an
  // object whose toString is not a function threw a TypeError (a 500) instead of a 400 (found by the fuzzer).
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value,
  )
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
