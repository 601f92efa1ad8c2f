import { WrongExpectedVersionError } from '@carecircle/platform/event-store';
import { isTransientError } from './retry-policy';

describe('which errors leave a message for redelivery', () => {
  it('redelivers on a database or socket outage and on a stream another writer kept winning', () => {
    expect(isTransientError(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isTransientError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientError(new WrongExpectedVersionError('group-seats-grp_1', { kind: 'exact', version: 3 }, 4))).toBe(
      true,
    );
  });

  it('dead-letters what is wrong with the message itself', () => {
    expect(isTransientError(Object.assign(new Error('invalid input syntax'), { code: '22P02' }))).toBe(false);
    expect(isTransientError(new TypeError("Cannot read properties of undefined (reading 'memberId')"))).toBe(false);
    expect(isTransientError('a string')).toBe(false);
  });
});
