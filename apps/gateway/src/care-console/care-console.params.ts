import { BadRequestException } from '@nestjs/common';

const MEMBER_ID = /^mbr_[A-Za-z0-9_-]{6,64}$/;
const GROUP_ID = /^grp_[A-Za-z0-9_-]{1,64}$/;
const SESSION_ID = /^[A-Za-z0-9_-]{1,96}$/;
const ALERT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checked(pattern: RegExp, message: string) {
  return (value: string): string => {
    if (!pattern.test(value)) throw new BadRequestException(message);
    return value;
  };
}

/** Path parameters, checked before anything is looked up or forwarded. */
export const memberIdOf = checked(MEMBER_ID, 'memberId must be a pseudonymous member id (mbr_…)');
export const groupIdOf = checked(GROUP_ID, 'groupId must be a group id (grp_…)');
export const sessionIdOf = checked(SESSION_ID, 'sessionId must be 1-96 letters, digits, _ or -');
export const alertIdOf = checked(ALERT_ID, 'alertId must be a UUID');
