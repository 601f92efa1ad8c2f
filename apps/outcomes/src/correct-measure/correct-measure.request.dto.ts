import { ApiProperty } from '@nestjs/swagger';
import { Length } from 'class-validator';
import { RecordMeasureRequestDto } from '../record-measure/record-measure.request.dto';

/** The corrected measure in full (with its own new measureId), and why. */
export class CorrectMeasureRequestDto extends RecordMeasureRequestDto {
  @ApiProperty({ example: 'item 4 transcribed wrongly' })
  @Length(1, 500)
  reason!: string;
}
