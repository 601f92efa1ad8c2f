import type { DataSource, EntityManager } from 'typeorm';
import { SharedTransactionAborted, sharedInboxTransaction, type SharedInboxTransaction } from './inbox-transaction';

/** `duplicate`: this consumer had already handled the event; nothing was changed. */
export type InboxOutcome = 'processed' | 'duplicate';

export type InboxEffect = (tx: EntityManager) => Promise<void>;

/** A consumed event kept beside its inbox row, for the rebuild of the read model it feeds. */
export interface KeptMessage {
  topic: string;
  type: string;
  body: object;
}

const CLAIM = `INSERT INTO processed_message (consumer, event_id, processed_at) VALUES ($1, $2, now())
  ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`;
/** The claim and the kept event in one round trip: kept only when claimed. */
const CLAIM_AND_KEEP = `WITH claimed AS (${CLAIM})
  INSERT INTO kept_message (consumer, event_id, topic, type, body)
  SELECT $1, event_id, $3, $4, $5::jsonb FROM claimed RETURNING event_id`;

const claim = (tx: EntityManager, consumer: string, eventId: string, kept: KeptMessage | undefined) =>
  kept
    ? tx.query(CLAIM_AND_KEEP, [consumer, eventId, kept.topic, kept.type, JSON.stringify(kept.body)])
    : tx.query(CLAIM, [consumer, eventId]);

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

  /** `kept`: the event, kept with its inbox row (`kept_message`) when its topic feeds a rebuildable read model. */
  async handleOnce(consumer: string, eventId: string, effect: InboxEffect, kept?: KeptMessage): Promise<InboxOutcome> {
    const shared = sharedInboxTransaction();
    if (shared) return this.handleInShared(shared, consumer, eventId, effect, kept);
    const outcome = await this.dataSource.transaction(async (tx): Promise<InboxOutcome> => {
      // A concurrent delivery of the same event waits on the primary key here, then sees no row inserted.
      const inserted: unknown[] = await claim(tx, consumer, eventId, kept);
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
    kept: KeptMessage | undefined,
  ): Promise<InboxOutcome> {
    try {
      const tx = await shared.managerFor(this.dataSource);
      const inserted: unknown[] = await claim(tx, consumer, eventId, kept);
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
