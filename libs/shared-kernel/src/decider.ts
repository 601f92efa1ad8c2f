import type { DomainError } from './domain-error';

/**
 * A decider is the whole behaviour of one aggregate as pure functions (after Jérémie Chassaing):
 * `decide` turns a command and the current state into new events or a domain error, `evolve` folds
 * an event into the state. No I/O, no clock: time arrives in the command's metadata.
 */
export interface Decider<Command, Event, State> {
  initialState: State;
  decide(command: Command, state: State): readonly Event[] | DomainError;
  evolve(state: State, event: Event): State;
}

/** What every command carries besides its data: who asked, when, and why (for tracing the chain). */
export interface CommandMetadata {
  /** The instant the command was accepted, from an injected clock. */
  now: Date;
  correlationId: string;
  /** The id of the message (request, event) that caused this command. */
  causationId: string;
}

export function fold<Event, State>(
  decider: Pick<Decider<unknown, Event, State>, 'initialState' | 'evolve'>,
  events: readonly Event[],
): State {
  return events.reduce(decider.evolve, decider.initialState);
}

/** Who and what caused a command, as the adapter (HTTP request, Kafka message) knows it. */
export interface RequestContext {
  correlationId: string;
  causationId: string;
}
