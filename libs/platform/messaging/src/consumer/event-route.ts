import type { IntegrationEvent } from '@carecircle/contracts';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { InvalidPayloadError } from './message-rejections';

/** The shape of a contract's `defineEvent(...)` result that routing needs. */
export interface EventDefinitionLike<Event extends IntegrationEvent = IntegrationEvent> {
  type: string;
  parse(value: unknown): Event;
}

/** Writes the consumer's effect (read-model rows, …) with the inbox transaction's EntityManager. */
export type EventEffect<Event extends IntegrationEvent> = (event: Event, tx: EntityManager) => Promise<void>;

export interface EventRoute {
  type: string;
  /** Throws `InvalidPayloadError` when the message breaks the event's contract. */
  parse(value: unknown): IntegrationEvent;
  effect: EventEffect<IntegrationEvent>;
}

/** `on(MemberEnrolled, (event, tx) => …)`: the event arrives parsed and typed by its contract. */
export function on<Definition extends EventDefinitionLike>(
  definition: Definition,
  effect: EventEffect<ReturnType<Definition['parse']>>,
): EventRoute {
  return {
    type: definition.type,
    parse: (value) => {
      try {
        return definition.parse(value);
      } catch (error) {
        if (error instanceof z.ZodError) throw new InvalidPayloadError(definition.type, error);
        throw error;
      }
    },
    effect: effect as EventEffect<IntegrationEvent>,
  };
}
