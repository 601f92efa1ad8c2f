import { leaseAllowsSend, nextDeliveryStep, type DeliveryRetryPolicy } from './delivery-policy';

const policy: DeliveryRetryPolicy = { maxAttempts: 5, baseMs: 1_000, maxMs: 5_000 };
const highest = () => 0.999_999;

describe('nextDeliveryStep', () => {
  it('is done on any 2xx', () => {
    for (const status of [200, 201, 202, 204])
      expect(nextDeliveryStep({ status }, 1, policy)).toEqual({ kind: 'delivered' });
  });

  it('parks a 4xx at once, since the same bytes will be refused again, but retries 408, 425 and 429', () => {
    for (const status of [400, 401, 403, 404, 410, 413, 422]) {
      expect(nextDeliveryStep({ status }, 1, policy)).toEqual({ kind: 'park', reason: `rejected with ${status}` });
    }
    for (const status of [408, 425, 429])
      expect(nextDeliveryStep({ status }, 1, policy)).toMatchObject({ kind: 'retry' });
  });

  it('parks a redirect or an informational answer: the receiver is misconfigured', () => {
    expect(nextDeliveryStep({ status: 302 }, 1, policy)).toEqual({ kind: 'park', reason: 'unexpected status 302' });
    expect(nextDeliveryStep({ status: 101 }, 1, policy)).toEqual({ kind: 'park', reason: 'unexpected status 101' });
  });

  it('retries a 5xx, a timeout or a network error with full jitter under a capped exponential bound', () => {
    const bounds = [1, 2, 3, 4].map((attempt) => nextDeliveryStep({ status: 503 }, attempt, policy, highest));
    expect(bounds).toEqual([999, 1_999, 3_999, 4_999].map((delayMs) => ({ kind: 'retry', delayMs })));
    expect(nextDeliveryStep({ errorClass: 'TimeoutError' }, 2, policy, () => 0)).toEqual({ kind: 'retry', delayMs: 0 });
    expect(nextDeliveryStep({ errorClass: 'TypeError' }, 3, policy, () => 0.5)).toEqual({
      kind: 'retry',
      delayMs: 2_000,
    });
  });

  it('parks after the last attempt, naming what failed and how often, never a body', () => {
    expect(nextDeliveryStep({ status: 503 }, 5, policy)).toEqual({
      kind: 'park',
      reason: 'status 503 after 5 attempts',
    });
    expect(nextDeliveryStep({ errorClass: 'TimeoutError' }, 6, policy)).toEqual({
      kind: 'park',
      reason: 'TimeoutError after 6 attempts',
    });
  });
});

describe('leaseAllowsSend', () => {
  const leaseUntil = new Date('2026-12-05T10:00:30Z');
  const secondsBefore = (seconds: number) => new Date(leaseUntil.getTime() - seconds * 1_000);

  it('starts a send only while it would end, timed out, a whole timeout before the lease does', () => {
    expect(leaseAllowsSend(secondsBefore(30), leaseUntil, 5_000)).toBe(true);
    expect(leaseAllowsSend(secondsBefore(10), leaseUntil, 5_000)).toBe(true);
    expect(leaseAllowsSend(secondsBefore(9.999), leaseUntil, 5_000)).toBe(false);
    expect(leaseAllowsSend(secondsBefore(-1), leaseUntil, 5_000)).toBe(false);
  });
});
