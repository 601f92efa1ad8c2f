import type { DataSource, EntityManager } from 'typeorm';
import { SharedTransactionAborted, sharedInboxTransaction, type SharedInboxTransaction } from './inbox-transaction';

/** `duplicate`: this consumer had already handled the event; nothing was changed. */
export type InboxOutcome = 'processed' | 'duplicate';

export type InboxEffect = (tx: EntityManager) => Promise<void>;

const CLAIM = `INSERT INTO processed_message (consumer, event_id, processed_at) VALUES ($1, $2, now())
  ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`;

/**
 * Exactly-once effects on top of at-least-once delivery: the inbox row and the effect commit in one
 * transaction, so a redelivered event finds its row and changes nothing, and a failed effect rolls
 * the row back so a retry runs it again. Inside a `SharedInboxTransaction` (a batch of one
 * partition) the row and effect join that transaction instead, and a failure aborts the batch.
 */
export class Inbox {
  /**
   * `committed`: called once an event's transaction has committed. Give it the service's log-append
   * signal: the effect's appends (in this transaction, or beside it on the pool) are readable to
   * the relay and the processors only now, since the global log holds back positions while an older
   * transaction, such as this one, is open.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly committed: () => void = () => undefined,
  ) {}

  async handleOnce(consumer: string, eventId: string, effect: InboxEffect): Promise<InboxOutcome> {
    const shared = sharedInboxTransaction();
    if (shared) return this.handleInShared(shared, consumer, eventId, effect);
    const outcome = await this.dataSource.transaction(async (tx): Promise<InboxOutcome> => {
      // A concurrent delivery of the same event waits on the primary key here, then sees no row inserted.
      const inserted: unknown[] = await tx.query(CLAIM, [consumer, eventId]);
      if (inserted.length === 0) return 'duplicate';
      await effect(tx);
      return 'processed';
    });
    if (outcome === 'processed') this.committed();
    return outcome;
  }

  async hasProcessed(consumer: string, eventId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      'SELECT 1 FROM processed_message WHERE consumer = $1 AND event_id = $2',
      [consumer, eventId],
    );
    return rows.length > 0;
  }

  private async handleInShared(
    shared: SharedInboxTransaction,
    consumer: string,
    eventId: string,
    effect: InboxEffect,
  ): Promise<InboxOutcome> {
    try {
      const tx = await shared.managerFor(this.dataSource);
      const inserted: unknown[] = await tx.query(CLAIM, [consumer, eventId]);
      if (inserted.length === 0) return 'duplicate';
      await effect(tx);
    } catch (error) {
      // The transaction may be broken now: the batch is rolled back and this message retried on its own.
      throw new SharedTransactionAborted(error);
    }
    shared.onCommitted(this.committed);
    return 'processed';
  }
}
