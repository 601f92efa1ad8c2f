import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';

export const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;
const OPAQUE = /^[A-Za-z0-9_-]{1,96}$/;

@Injectable()
export class MemberIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!MEMBER_ID.test(value)) throw new BadRequestException('memberId must be a pseudonymous member id (mbr_…)');
    return value;
  }
}

@Injectable()
export class OpaqueIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!OPAQUE.test(value)) throw new BadRequestException('id must be 1-96 letters, digits, _ or -');
    return value;
  }
}
