import { AsyncLocalStorage } from 'node:async_hooks';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/** Far below PostgreSQL's deadlock_timeout (1 s): a run that waits this long on a lock is rolled back. */
const LOCK_TIMEOUT_MS = 200;

/**
 * One database transaction shared by a run of consecutive messages of one partition: their inbox rows
 * and effects commit together, so a batch costs one BEGIN/COMMIT (and one WAL flush) instead of one
 * per message. It is all or nothing: any failure inside it means the whole run is rolled back and
 * its messages are handled again one at a time, each in its own transaction with the usual retries
 * and dead letters (see `BatchedServerKafka`). Nothing a message reports (outcomes, the log-append
 * signal) is said before the commit.
 */
export class SharedInboxTransaction {
  private readonly open = new Map<DataSource, QueryRunner>();
  private readonly afterCommit: Array<() => void> = [];
  private settled = false;

  /** The transaction on `dataSource`, begun on first use. */
  async managerFor(dataSource: DataSource): Promise<EntityManager> {
    if (this.settled) throw new Error('This shared inbox transaction has already ended');
    let runner = this.open.get(dataSource);
    if (!runner) {
      runner = dataSource.createQueryRunner();
      this.open.set(dataSource, runner);
      await runner.connect();
      await runner.startTransaction();
      // Locks pile up over a run in message order, not in one global order: two runs (or a run and a
      // lone message) can wait on each other. Give up soon and handle the run one message at a time.
      await runner.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT_MS}ms'`);
    }
    return runner.manager;
  }

  /** Runs `callback` once every transaction has committed (never, if they roll back). */
  onCommitted(callback: () => void): void {
    this.afterCommit.push(callback);
  }

  async commit(): Promise<void> {
    this.settled = true;
    try {
      for (const runner of this.open.values()) await runner.commitTransaction();
    } finally {
      await this.release();
    }
    for (const callback of this.afterCommit.splice(0)) callback();
  }

  /** Safe to call after a failed commit or on a broken connection. */
  async rollback(): Promise<void> {
    this.settled = true;
    this.afterCommit.length = 0;
    for (const runner of this.open.values()) {
      if (runner.isTransactionActive && !runner.isReleased) await runner.rollbackTransaction().catch(() => undefined);
    }
    await this.release();
  }

  private async release(): Promise<void> {
    const runners = [...this.open.values()];
    this.open.clear();
    await Promise.all(
      runners.map((runner) => (runner.isReleased ? undefined : runner.release().catch(() => undefined))),
    );
  }
}

/**
 * Thrown inside a shared transaction when a message cannot be settled there (its effect failed, or
 * it must be dead-lettered): the run is rolled back and handled again one message at a time.
 */
export class SharedTransactionAborted extends Error {
  constructor(readonly reason: unknown) {
    super('A message could not be settled in the shared inbox transaction; its run is handled one message at a time');
    this.name = 'SharedTransactionAborted';
  }
}

const current = new AsyncLocalStorage<SharedInboxTransaction>();

/** Runs `work` with every `Inbox.handleOnce` inside it joining `transaction`. */
export function withSharedInboxTransaction<T>(transaction: SharedInboxTransaction, work: () => Promise<T>): Promise<T> {
  return current.run(transaction, work);
}

/** The shared transaction the current message runs in, if any. */
export function sharedInboxTransaction(): SharedInboxTransaction | undefined {
  return current.getStore();
}
