import {
  ANY,
  NO_STREAM,
  START,
  WrongExpectedVersionError as KurrentWrongExpectedVersionError,
  jsonEvent,
  type AppendStreamState,
  type EventData,
  type JSONType,
  type Position,
  type ReadPosition,
} from '@kurrent/kurrentdb-client';
import {
  WrongExpectedVersionError,
  type EventMetadata,
  type ExpectedVersion,
  type NewEvent,
  type RecordedEvent,
} from '../event-store.port';

/** The fields of a KurrentDB recorded event this adapter reads (JSON and binary events share them). */
export interface KurrentStoredEvent {
  id: string;
  streamId: string;
  revision: bigint;
  type: string;
  created: Date;
  data: unknown;
  metadata?: unknown;
  position?: Position;
}

export function toStreamState(expected: ExpectedVersion): AppendStreamState {
  switch (expected.kind) {
    case 'no_stream':
      return NO_STREAM;
    case 'any':
      return ANY;
    case 'exact':
      return BigInt(expected.version);
  }
}

export function toEventData(event: NewEvent): EventData {
  return jsonEvent({ id: event.eventId, type: event.type, data: event.data as JSONType, metadata: event.metadata });
}

/**
 * KurrentDB has no explicit transactions since v20: every event is its own committed record, so its
 * commit and prepare positions are equal and unique. The port's position is the commit position,
 * and a read position is rebuilt from it.
 */
export function toReadPosition(after: bigint | undefined): ReadPosition {
  return after === undefined ? START : { commit: after, prepare: after };
}

/** Events KurrentDB writes for itself (`$metadata`, `$>` links, `$stats…`) are not ours to deliver. */
export function isSystemEvent(event: Pick<KurrentStoredEvent, 'type'>): boolean {
  return event.type.startsWith('$');
}

export function toRecordedEvent(event: KurrentStoredEvent): RecordedEvent {
  if (!event.position)
    throw new Error(`KurrentDB returned event ${event.id} without a position (server older than 22.6?)`);
  return {
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: (isJsonObject(event.metadata) ? event.metadata : {}) as EventMetadata,
    streamId: event.streamId,
    streamVersion: Number(event.revision),
    globalPosition: event.position.commit,
    recordedAt: event.created,
  };
}

/** The client's conflict becomes the port's typed one; anything else passes through unchanged. */
export function toPortError(error: unknown, streamId: string, expected: ExpectedVersion): unknown {
  if (!(error instanceof KurrentWrongExpectedVersionError)) return error;
  const actual = error.actualState;
  return new WrongExpectedVersionError(streamId, expected, actual === NO_STREAM ? 'no_stream' : Number(actual));
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
