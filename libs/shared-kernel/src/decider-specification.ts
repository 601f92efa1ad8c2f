import { fold, type Decider } from './decider';
import { isDomainError } from './domain-error';

/**
 * Given/when/then for deciders:
 *   spec(decider).given([...past events]).when(command).then([...expected events])
 *   spec(decider).given([...]).when(command).thenFails('enrollment.referral-conflict', /already/)
 */
export function spec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(events: readonly E[]) {
      return {
        when(command: C) {
          const outcome = decider.decide(command, fold(decider, events));
          return {
            then(expected: readonly E[]) {
              if (isDomainError(outcome))
                throw new Error(`Expected events, got domain error ${outcome.code}: ${outcome.message}`);
              expect(outcome).toEqual(expected);
            },
            thenFails(code: string, message?: RegExp) {
              if (!isDomainError(outcome))
                throw new Error(`Expected a ${code} error, got events ${JSON.stringify(outcome)}`);
              expect(outcome.code).toBe(code);
              if (message) expect(outcome.message).toMatch(message);
            },
          };
        },
      };
    },
  };
}
