import type { EventStore } from '@carecircle/platform/event-store';
import type { OutcomesConfig } from '@carecircle/outcomes/domain';
import type { Clock } from '@carecircle/shared-kernel';

/** What outcomes' use cases need from the outside world. */
export interface OutcomesDeps {
  store: EventStore;
  clock: Clock;
  config: OutcomesConfig;
}
