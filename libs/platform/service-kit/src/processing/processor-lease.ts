import type { Pool, PoolClient } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { readEventSourcedServiceEnv } from '../wiring/wiring-env';

/**
 * One active instance of a processor across replicas: a session advisory lock held on a connection of
 * its own. PostgreSQL frees the lock when that connection ends (a crash, kill -9, a network cut), so a
 * standby takes over; the holder learns of the loss from the connection's error and stands down. In the
 * moment between the two both may run, which is why processors stay idempotent: the lease saves the
 * double work, it does not carry correctness.
 */
export class ProcessorLease {
  private client: PoolClient | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private onError: ((error: unknown) => void) | undefined;

  constructor(
    private readonly pool: Pick<Pool, 'connect'>,
    private readonly name: string,
    /** How often the held connection is checked: a cut that sends no error shows on the next check. */
    private readonly heartbeatMs = 2_000,
  ) {}

  /** True when this process now holds the lease; `onLost` runs once if its connection later ends. */
  async tryAcquire(onLost: (error: unknown) => void): Promise<boolean> {
    if (this.client) return true;
    const client = await this.pool.connect();
    let acquired: boolean;
    try {
      const { rows } = await client.query<{ acquired: boolean }>(
        `SELECT pg_try_advisory_lock(hashtextextended('event-processor:' || $1, 0)) AS acquired`,
        [this.name],
      );
      acquired = rows[0]?.acquired === true;
    } catch (error) {
      client.release(error as Error); // a broken connection leaves the pool
      throw error;
    }
    if (!acquired) {
      client.release();
      return false;
    }
    this.client = client;
    const lost = (error: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      clearInterval(this.heartbeat);
      client.release(error instanceof Error ? error : new Error('lease connection lost')); // it leaves the pool
      onLost(error);
    };
    this.onError = lost;
    client.on('error', lost);
    this.heartbeat = setInterval(() => void client.query('SELECT 1').catch(lost), this.heartbeatMs);
    this.heartbeat.unref();
    return true;
  }

  /** Gives the lease up (a no-op when not held). */
  async release(): Promise<void> {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    clearInterval(this.heartbeat);
    if (this.onError) client.off('error', this.onError);
    try {
      await client.query(`SELECT pg_advisory_unlock(hashtextextended('event-processor:' || $1, 0))`, [this.name]);
      client.release();
    } catch (error) {
      client.release(error as Error); // the lock went with the connection
    }
  }
}

/**
 * The pool a processor's lease takes its connection from, or undefined where there is no other replica
 * to exclude: embedded PGlite (`DATABASE_SINGLE_SESSION`) is one process with one shared session.
 */
export function leasePoolOf(dataSource: DataSource): Pool | undefined {
  if (readEventSourcedServiceEnv().DATABASE_SINGLE_SESSION === 'true') return undefined;
  return (dataSource.driver as PostgresDriver).master as Pool;
}
