import type { Pool } from 'pg';
import {
  PostgresEventStore,
  WrongExpectedVersionError,
  type LogAppendSignal,
  sqlOfPool,
} from '@carecircle/platform/event-store';
import type { IdentityVault, IngestTransaction, IngestUnitOfWork } from '@carecircle/gateway/application';
import { saveSealedStaffNameIfAbsent } from '@carecircle/gateway/read-models';
import { PostgresMemberIdentities } from './postgres-member-identities';

const MAX_ATTEMPTS = 5;
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '23505']);

/**
 * One PostgreSQL transaction per submission: an event store bound to the transaction's connection
 * (the adapter only issues single statements on whatever it is given), the identity tables and the
 * sealed staff directory.
 * A concurrent append to the same member stream rolls everything back and runs the work again.
 */
export class PostgresIngestUnitOfWork implements IngestUnitOfWork {
  constructor(
    private readonly pool: Pool,
    private readonly vault: IdentityVault,
    /** Told once the submission's events have committed: the relay publishes them without waiting for a poll. */
    private readonly appendSignal?: LogAppendSignal,
  ) {}

  async run<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.pool.connect();
      let released = false;
      // A checked-out client whose connection drops (database restart, network cut) emits 'error', which
      // kills the process unless heard; the statement in flight fails anyway, so the submission answers 5xx.
      let broken = false;
      const onConnectionError = () => (broken = true);
      client.on('error', onConnectionError);
      try {
        await client.query('BEGIN');
        const store = new PostgresEventStore(client as unknown as Pool, { namedStatements: false });
        const sealedName = (name: string) => this.vault.encrypt({ name: [{ text: name }] });
        const result = await work({
          store,
          identities: new PostgresMemberIdentities(client, this.vault),
          staffNames: {
            recordIfUnnamed: (staffId, name) =>
              saveSealedStaffNameIfAbsent(sqlOfPool(client), staffId, sealedName(name)),
          },
        });
        await client.query('COMMIT');
        this.appendSignal?.appended();
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {
          client.release(true);
          released = true;
        });
        if (attempt < MAX_ATTEMPTS && isRetryable(error)) continue;
        throw error;
      } finally {
        client.removeListener('error', onConnectionError);
        if (!released) client.release(broken);
      }
    }
  }
}

function isRetryable(error: unknown): boolean {
  return (
    error instanceof WrongExpectedVersionError || RETRYABLE_SQLSTATES.has(String((error as { code?: unknown })?.code))
  );
}
