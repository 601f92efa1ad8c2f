import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

const GROUP_ID = /^[A-Za-z0-9_-]{1,64}$/;

@Injectable()
export class GroupIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!GROUP_ID.test(value)) throw new BadRequestException('groupId must be 1-64 letters, digits, _ or -');
    return value;
  }
}
