import type { EventStore } from '@carecircle/platform/event-store';
import type { Clock } from '@carecircle/shared-kernel';

/** What enrollment's use cases need from the outside world. */
export interface EnrollmentDeps {
  store: EventStore;
  clock: Clock;
}

export const ENROLLMENT_DEPS = Symbol('ENROLLMENT_DEPS');
