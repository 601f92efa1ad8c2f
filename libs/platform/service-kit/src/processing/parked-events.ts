import type { EntityManager } from 'typeorm';

export interface ParkedEvent {
  processor: string;
  globalPosition: bigint;
  eventId: string;
  eventType: string;
  errorClass: string;
  attempts: number;
  parkedAt: Date;
}

/** Idempotent: parking the same position twice (a replay after a crash) keeps the first record. */
export async function parkEvent(tx: EntityManager, parked: ParkedEvent): Promise<void> {
  await tx.query(
    `INSERT INTO processing.parked_event (processor, global_position, event_id, event_type, error_class, attempts, parked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (processor, global_position) DO NOTHING`,
    [
      parked.processor,
      parked.globalPosition.toString(),
      parked.eventId,
      parked.eventType,
      parked.errorClass,
      parked.attempts,
      parked.parkedAt,
    ],
  );
}

type ParkedRow = {
  processor: string;
  global_position: string;
  event_id: string;
  event_type: string;
  error_class: string;
  attempts: number;
  parked_at: Date;
};

const PARKED_COLUMNS =
  'processor, global_position::text AS global_position, event_id, event_type, error_class, attempts, parked_at';

const fromRow = (r: ParkedRow): ParkedEvent => ({
  processor: r.processor,
  globalPosition: BigInt(r.global_position),
  eventId: r.event_id,
  eventType: r.event_type,
  errorClass: r.error_class,
  attempts: r.attempts,
  parkedAt: r.parked_at,
});

/** Oldest first, at most `limit`. */
export async function listParkedEvents(em: EntityManager, limit = 1_000): Promise<ParkedEvent[]> {
  const rows: ParkedRow[] = await em.query(
    `SELECT ${PARKED_COLUMNS} FROM processing.parked_event ORDER BY parked_at, processor, global_position LIMIT $1`,
    [limit],
  );
  return rows.map(fromRow);
}

export async function findParkedEvent(
  em: EntityManager,
  processor: string,
  position: bigint,
): Promise<ParkedEvent | undefined> {
  const rows: ParkedRow[] = await em.query(
    `SELECT ${PARKED_COLUMNS} FROM processing.parked_event WHERE processor = $1 AND global_position = $2`,
    [processor, position.toString()],
  );
  return rows[0] && fromRow(rows[0]);
}

/** After a replay that succeeded, or an operator's discard. True when there was such a row. */
export async function forgetParkedEvent(em: EntityManager, processor: string, position: bigint): Promise<boolean> {
  const [, deleted]: [unknown, number] = await em.query(
    'DELETE FROM processing.parked_event WHERE processor = $1 AND global_position = $2',
    [processor, position.toString()],
  );
  return deleted > 0;
}

export async function recordFailedReplay(
  em: EntityManager,
  processor: string,
  position: bigint,
  errorClass: string,
): Promise<void> {
  await em.query(
    'UPDATE processing.parked_event SET attempts = attempts + 1, error_class = $3 WHERE processor = $1 AND global_position = $2',
    [processor, position.toString(), errorClass],
  );
}

export async function countParkedEvents(em: EntityManager): Promise<number> {
  const [row]: { n: string }[] = await em.query('SELECT count(*) AS n FROM processing.parked_event');
  return Number(row?.n ?? 0);
}
