import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { SESSION_NOTE_MAX_LENGTH, SESSION_NOTE_PATTERN } from '@carecircle/scheduling/domain';
import { AttendanceRequestDto } from '../sessions/sessions.request.dto';

/** A line of the sheet: the member and their attendance, as a single record takes them, and the note. */
export class GroupSessionEntryDto extends AttendanceRequestDto {
  @ApiPropertyOptional({
    maxLength: SESSION_NOTE_MAX_LENGTH,
    description: "A short note about the member in this session ('' clears it; absent leaves it as it is).",
    example: 'Spoke for the first time about the scan.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(SESSION_NOTE_MAX_LENGTH)
  @Matches(SESSION_NOTE_PATTERN, { message: 'note must be text and line breaks, without control characters' })
  note?: string;
}

export class GroupSessionRequestDto {
  @ApiProperty({ type: [GroupSessionEntryDto], description: 'One entry per member; a group has at most 12 seats.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(64)
  @ValidateNested({ each: true })
  @Type(() => GroupSessionEntryDto)
  entries!: GroupSessionEntryDto[];
}
