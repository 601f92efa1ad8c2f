import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

/** Path ids are opaque and pseudonymous; anything else is a 400 that does not echo the value. */
@Injectable()
export class OpaqueIdPipe implements PipeTransform<string, string> {
  constructor(
    private readonly field: string,
    private readonly pattern: RegExp,
  ) {}

  transform(value: string): string {
    if (!this.pattern.test(value))
      throw new BadRequestException({
        statusCode: 400,
        error: 'Bad Request',
        message: 'Validation failed',
        errors: [{ field: this.field, constraints: { format: `${this.field} is not a valid id` } }],
      });
    return value;
  }
}

export const groupIdPipe = new OpaqueIdPipe('groupId', /^grp_[A-Za-z0-9_-]{1,64}$/);
export const memberIdPipe = new OpaqueIdPipe('memberId', /^mbr_[A-Za-z0-9_-]{6,64}$/);
