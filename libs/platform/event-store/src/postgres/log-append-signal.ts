import type { Pool, PoolClient } from 'pg';

/** The channel every replica of a service listens on; NOTIFY is scoped to the service's own database. */
export const LOG_APPENDED_CHANNEL = 'event_store_log_appended';

export interface LogAppendSignalOptions {
  /** NOTIFY other processes on the same database and LISTEN for theirs. Off: this process only (PGlite). */
  crossProcess: boolean;
  /** Wait before re-listening after the listening connection failed. Default 1 s. */
  relistenDelayMs?: number;
}

/**
 * "The global log has grown": wakes the outbox relay as soon as an append commits, so an event waits
 * for the relay's publish rather than for its next poll (the poll stays as the fallback). Signalled
 * after the commit, never inside the appending transaction: a NOTIFY in a transaction takes a
 * database-wide lock at commit and would serialise every writer. Appends that come while a NOTIFY is
 * on its way are coalesced into one more, so a burst costs two round trips, not one per event.
 */
export class LogAppendSignal {
  private readonly listeners = new Set<() => void>();
  private notifying = false;
  private notifyAgain = false;
  private listening?: PoolClient;
  private closed = false;
  private relistenTimer?: NodeJS.Timeout;

  constructor(
    private readonly pool: Pool,
    private readonly options: LogAppendSignalOptions,
  ) {}

  /** Call after an append has committed. Never throws and never waits. */
  appended(): void {
    this.wakeListeners();
    if (!this.options.crossProcess || this.closed) return;
    if (this.notifying) {
      this.notifyAgain = true;
      return;
    }
    this.notifying = true;
    void this.pool
      .query(`NOTIFY ${LOG_APPENDED_CHANNEL}`)
      // A lost notification costs other replicas one poll interval, nothing more.
      .catch(() => undefined)
      .finally(() => {
        this.notifying = false;
        if (this.notifyAgain) {
          this.notifyAgain = false;
          this.appended();
        }
      });
  }

  /** Calls `listener` on every append of this process and, when cross-process, of every other one. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (this.options.crossProcess && !this.listening && !this.relistenTimer) void this.listen();
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Releases the listening connection; later appends wake this process's listeners only. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.relistenTimer);
    this.relistenTimer = undefined;
    const client = this.listening;
    this.listening = undefined;
    if (client) {
      await client.query(`UNLISTEN ${LOG_APPENDED_CHANNEL}`).catch(() => undefined);
      client.release();
    }
  }

  private wakeListeners(): void {
    for (const listener of this.listeners) listener();
  }

  private async listen(): Promise<void> {
    if (this.closed) return;
    let client: PoolClient | undefined;
    try {
      client = await this.pool.connect();
      const connection = client;
      connection.on('notification', () => this.wakeListeners());
      // A dropped connection (database restart, network cut) is replaced; until then the relay polls.
      connection.on('error', () => this.relisten(connection, true));
      await connection.query(`LISTEN ${LOG_APPENDED_CHANNEL}`);
      if (this.closed) {
        connection.release();
        return;
      }
      this.listening = connection;
      // Whatever was appended while nobody listened is picked up by waking the relay once now.
      this.wakeListeners();
    } catch {
      if (client) this.relisten(client, true);
      else this.scheduleRelisten();
    }
  }

  private relisten(client: PoolClient, broken: boolean): void {
    if (this.listening === client) this.listening = undefined;
    try {
      client.release(broken);
    } catch {
      // Already released.
    }
    this.scheduleRelisten();
  }

  private scheduleRelisten(): void {
    if (this.closed || this.relistenTimer) return;
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = undefined;
      void this.listen();
    }, this.options.relistenDelayMs ?? 1_000);
    this.relistenTimer.unref();
  }
}
