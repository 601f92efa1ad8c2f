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
    [parked.processor, parked.globalPosition.toString(), parked.eventId, parked.eventType, parked.errorClass, parked.attempts, parked.parkedAt],
  );
}

export async function listParkedEvents(em: EntityManager, processor?: string): Promise<ParkedEvent[]> {
  const rows: { processor: string; global_position: string; event_id: string; event_type: string; error_class: string; attempts: number; parked_at: Date }[] = await em.query(
    `SELECT processor, global_position::text AS global_position, event_id, event_type, error_class, attempts, parked_at
     FROM processing.parked_event WHERE $1::text IS NULL OR processor = $1 ORDER BY processor, global_position`,
    [processor ?? null],
  );
  return rows.map((r) => ({
    processor: r.processor,
    globalPosition: BigInt(r.global_position),
    eventId: r.event_id,
    eventType: r.event_type,
    errorClass: r.error_class,
    attempts: r.attempts,
    parkedAt: r.parked_at,
  }));
}

export async function countParkedEvents(em: EntityManager): Promise<number> {
  const [row]: { n: string }[] = await em.query('SELECT count(*) AS n FROM processing.parked_event');
  return Number(row?.n ?? 0);
}
