import type { DataSource } from 'typeorm';

export type CheckpointedBatch<T> = (position: bigint | undefined) => Promise<{ result: T; advanceTo?: bigint }>;

export type ClaimResult<T> = { claimed: true; result: T } | { claimed: false };

export interface RelayCheckpointStore {
  /**
   * Runs one batch holding the relay's checkpoint exclusively and stores `advanceTo` when the batch
   * succeeded. `claimed: false` when another process (a second replica) holds it right now.
   */
  withCheckpoint<T>(relayName: string, batch: CheckpointedBatch<T>): Promise<ClaimResult<T>>;
  read(relayName: string): Promise<bigint | undefined>;
}

const READ = 'SELECT position::text AS position FROM outbox_relay_checkpoint WHERE relay_name = $1';
const UPSERT = `INSERT INTO outbox_relay_checkpoint (relay_name, position, updated_at) VALUES ($1, $2, now())
  ON CONFLICT (relay_name) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`;

/**
 * `outbox_relay_checkpoint` (see `messagingMigrations`). Each batch runs in a transaction holding a
 * transaction-scoped advisory lock named after the relay: replicas of a service take turns instead
 * of publishing everything twice, and a crash before the commit leaves the old position, so the
 * batch is published again (never lost). An advisory lock, not `SELECT … FOR UPDATE`: a row lock
 * would give the transaction an id while the batch reads the log, and the event store's gapless
 * read holds back every event appended after the oldest running transaction began.
 */
export class PostgresRelayCheckpointStore implements RelayCheckpointStore {
  constructor(private readonly dataSource: DataSource) {}

  withCheckpoint<T>(relayName: string, batch: CheckpointedBatch<T>): Promise<ClaimResult<T>> {
    return this.dataSource.transaction(async (tx): Promise<ClaimResult<T>> => {
      const [lock]: { claimed: boolean }[] = await tx.query(
        `SELECT pg_try_advisory_xact_lock(hashtextextended('outbox-relay:' || $1, 0)) AS claimed`,
        [relayName],
      );
      if (!lock?.claimed) return { claimed: false };
      const rows: { position: string | null }[] = await tx.query(READ, [relayName]);
      const { result, advanceTo } = await batch(toPosition(rows[0]?.position ?? null));
      if (advanceTo !== undefined) {
        await tx.query(UPSERT, [relayName, advanceTo.toString()]);
      }
      return { claimed: true, result };
    });
  }

  async read(relayName: string): Promise<bigint | undefined> {
    const rows: { position: string | null }[] = await this.dataSource.query(READ, [relayName]);
    return toPosition(rows[0]?.position ?? null);
  }
}

function toPosition(text: string | null): bigint | undefined {
  return text === null ? undefined : BigInt(text);
}

/**
 * For a database only one process ever uses (the embedded PGlite of `npm start`, one per service):
 * no lock and no transaction around the batch. PGlite is a single session, so a transaction held
 * while the batch reads the log through another connection would wait on itself. With no second
 * process there is nobody to take turns with; the checkpoint still moves only after the broker's ack.
 */
export class SingleProcessRelayCheckpointStore implements RelayCheckpointStore {
  private readonly inner: PostgresRelayCheckpointStore;

  constructor(private readonly dataSource: DataSource) {
    this.inner = new PostgresRelayCheckpointStore(dataSource);
  }

  async withCheckpoint<T>(relayName: string, batch: CheckpointedBatch<T>): Promise<ClaimResult<T>> {
    const { result, advanceTo } = await batch(await this.inner.read(relayName));
    if (advanceTo !== undefined) await this.dataSource.query(UPSERT, [relayName, advanceTo.toString()]);
    return { claimed: true, result };
  }

  read(relayName: string): Promise<bigint | undefined> {
    return this.inner.read(relayName);
  }
}
