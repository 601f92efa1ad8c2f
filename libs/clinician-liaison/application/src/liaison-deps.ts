import type { EventStore } from '@carecircle/platform/event-store';
import type { EscalationConfig, RuleConfig } from '@carecircle/clinician-liaison/domain';
import type { Clock } from '@carecircle/shared-kernel';

/** What clinician-liaison's use cases need from the outside world. */
export interface LiaisonDeps {
  store: EventStore;
  clock: Clock;
  rules: RuleConfig;
  escalation: EscalationConfig;
  /**
   * Who facilitates a group now (the service's access projection of scheduling's groups). The facilitator
   * copy of an alert goes to them; without it (unit tests) the copy is addressed to the role alone.
   */
  groupFacilitators?: (groupId: string) => Promise<readonly string[]>;
}

/** Who and what caused a command, as the adapter (HTTP request, Kafka message, timer) knows it. */
export type { RequestContext } from '@carecircle/shared-kernel';
