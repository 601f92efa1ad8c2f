import type { DataSource, EntityManager } from 'typeorm';

/** `duplicate`: this consumer had already handled the event; nothing was changed. */
export type InboxOutcome = 'processed' | 'duplicate';

export type InboxEffect = (tx: EntityManager) => Promise<void>;

/**
 * Exactly-once effects on top of at-least-once delivery: the inbox row and the effect commit in one
 * transaction, so a redelivered event finds its row and changes nothing, and a failed effect rolls
 * the row back so a retry runs it again.
 */
export class Inbox {
  constructor(private readonly dataSource: DataSource) {}

  handleOnce(consumer: string, eventId: string, effect: InboxEffect): Promise<InboxOutcome> {
    return this.dataSource.transaction(async (tx) => {
      // A concurrent delivery of the same event waits on the primary key here, then sees no row inserted.
      const inserted: unknown[] = await tx.query(
        `INSERT INTO processed_message (consumer, event_id, processed_at) VALUES ($1, $2, now())
         ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
        [consumer, eventId],
      );
      if (inserted.length === 0) return 'duplicate';
      await effect(tx);
      return 'processed';
    });
  }

  async hasProcessed(consumer: string, eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM processed_message WHERE consumer = $1 AND event_id = $2',
      [consumer, eventId],
    );
    return rows.length > 0;
  }
}
