import { types, type CustomTypesConfig } from 'pg';
import type { EventMetadata, RecordedEvent } from '../event-store.port';

/**
 * int8 stays text in our queries even if the process installed a lossy global parser (a common
 * `setTypeParser(20, parseInt)`): positions need every digit, and BigInt() reads the text exactly.
 */
export const EXACT_INT8: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8
      ? (value: string) => value
      : types.getTypeParser(oid, format)) as CustomTypesConfig['getTypeParser'],
};

/**
 * Queries the store runs on every append or read have a name: node-postgres prepares them once per
 * connection, which saves their planning (about a third of a single-event append in the benchmark).
 */
export interface NamedStatement {
  name: string;
  text: string;
}

/**
 * Named statements are prepared once per connection. Behind a connection multiplexer that shares
 * one session among connections (embedded PGlite), a second PREPARE of the same name fails, so
 * there the statements go unnamed.
 */
export function asQuery(statement: NamedStatement, named: boolean): { name?: string; text: string } {
  return named ? statement : { text: statement.text };
}

/** Never alias a text cast as `global_position`: ORDER BY would then sort text ("999…" after "1000…"). */
export const EVENT_COLUMNS = `global_position, stream_id, stream_version, event_id, type, data, metadata, recorded_at`;

export interface EventRow {
  /** int8 as text, see EXACT_INT8. */
  global_position: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
}

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    globalPosition: BigInt(row.global_position),
    recordedAt: row.recorded_at,
  };
}
