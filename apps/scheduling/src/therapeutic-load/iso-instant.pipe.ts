import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import { isISO8601 } from 'class-validator';

@Injectable()
export class IsoInstantPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !isISO8601(value, { strict: true }))
      throw new BadRequestException('from must be an ISO 8601 instant');
    return new Date(value).toISOString();
  }
}
