/**
 * kafkajs 2.2.4 bug (tulios/kafkajs#1751, #1704): `RequestQueue.scheduleCheckPendingRequests` computes
 * `throttledUntil - Date.now()` with `throttledUntil = -1` when nothing is throttled, so it arms a
 * timer of about minus 1.7e12 ms. Node always clamped that to 1 ms; Node 24 also prints
 * `TimeoutNegativeWarning: -17…  is a negative number`, and each connection re-arms the 1 ms timer
 * forever. Harmless to correctness. kafkajs has no release since 2023, so we apply the upstream fix
 * (PR #1768 as amended in review) to the loaded class at runtime: with nothing pending and no
 * throttle there is nothing to check later (`push` schedules a check itself when it enqueues).
 * Applied once per process, only to the exact version it was written against; node_modules untouched.
 */
const FIXED_VERSION = '2.2.4';
const APPLIED = Symbol.for('carecircle.kafkajs.negative-timeout-fix');

interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
}

type Scheduler = (this: RequestQueueInternals) => void;

export function applyKafkajsNegativeTimeoutFix(): boolean {
  // kafkajs exports no handle on this internal class, so it is reached by path.
  const { version } = require('kafkajs/package.json') as { version: string };
  if (version !== FIXED_VERSION) return false; // a different kafkajs: review the bug before re-applying
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: Record<PropertyKey, unknown> };
  const prototype = RequestQueue.prototype;
  if (prototype[APPLIED]) return true;
  const original = prototype['scheduleCheckPendingRequests'] as Scheduler;
  const patched: Scheduler = function (this: RequestQueueInternals) {
    const throttled = this.throttledUntil > Date.now();
    if (this.pending.length === 0 && !throttled) return;
    original.call(this);
  };
  prototype['scheduleCheckPendingRequests'] = patched;
  prototype[APPLIED] = true;
  return true;
}
