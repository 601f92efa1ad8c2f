import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import {
  ExpectedVersion,
  WrongExpectedVersionError,
  type EventMetadata,
  type EventStore,
  type NewEvent,
} from '@carecircle/platform/event-store';
import { fold, isDomainError, type CommandMetadata, type Decider, type DomainError } from '@carecircle/shared-kernel';

/** The shape every domain event has: a discriminating `type` and its facts. */
export interface DomainEvent {
  type: string;
  data: object;
}

export interface HandleCommandOptions {
  /** Concurrent writers on one stream are retried this many times (load, decide, append again). */
  maxConflictRetries?: number;
}

export type CommandOutcome<E> =
  { ok: true; events: readonly E[]; nextExpectedVersion: number } | { ok: false; error: DomainError };

/**
 * The application layer's one way to run a command: load the stream, fold it, decide, and append
 * with the version it was decided on. A concurrent append makes the append fail with a conflict; the
 * command is then decided again on the new state, so no decision is ever made on stale facts.
 *
 * `command` may be a function of the folded state, for callers that choose which command to send by
 * what the stream holds (outcomes' EHR ingest: record or correct): the stream is read and folded once
 * per attempt, and the choice is made again on a conflict. It answers undefined when nothing is to be done.
 */
export async function handleCommand<C extends { metadata: CommandMetadata }, E extends DomainEvent, S>(
  store: EventStore,
  streamId: string,
  decider: Decider<C, E, S>,
  command: C | ((state: S) => C | undefined),
  options: HandleCommandOptions = {},
): Promise<CommandOutcome<E>> {
  const maxRetries = options.maxConflictRetries ?? 5;
  for (let attempt = 0; ; attempt++) {
    const history = await store.readStream(streamId);
    const state = fold(
      decider,
      history.map((recorded) => ({ type: recorded.type, data: recorded.data }) as E),
    );
    const currentVersion = history.length === 0 ? undefined : history[history.length - 1]!.streamVersion;
    const chosen = typeof command === 'function' ? command(state) : command;
    if (!chosen) return { ok: true, events: [], nextExpectedVersion: currentVersion ?? -1 };
    const { metadata } = chosen;
    const outcome = decider.decide(chosen, state);
    if (isDomainError(outcome)) return { ok: false, error: outcome };
    const decision = outcome as readonly E[];
    if (decision.length === 0) return { ok: true, events: [], nextExpectedVersion: currentVersion ?? -1 };
    try {
      const expected = currentVersion === undefined ? ExpectedVersion.noStream : ExpectedVersion.exact(currentVersion);
      const result = await store.appendToStream(
        streamId,
        decision.map((event: E) => toNewEvent(event, metadata)),
        expected,
      );
      return { ok: true, events: decision, nextExpectedVersion: result.nextExpectedVersion };
    } catch (error) {
      if (error instanceof WrongExpectedVersionError && attempt < maxRetries) continue;
      throw error;
    }
  }
}

function toNewEvent(event: DomainEvent, metadata: CommandMetadata): NewEvent {
  return { eventId: randomUUID(), type: event.type, data: event.data, metadata: eventMetadata(metadata) };
}

/** Correlation, causation and the active trace context travel with every event to the relay and beyond. */
export function eventMetadata(metadata: CommandMetadata): EventMetadata {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return {
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    occurredAt: metadata.now.toISOString(),
    ...(carrier['traceparent'] ? { traceparent: carrier['traceparent'] } : {}),
    ...(carrier['tracestate'] ? { tracestate: carrier['tracestate'] } : {}),
  };
}
