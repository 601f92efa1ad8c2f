import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { EntityManager } from 'typeorm';
import type { IntegrationEvent } from '@carecircle/contracts';
import {
  rebuildIntoShadows,
  sqlOfPool,
  type RebuildProgress,
  type ShadowRebuildOptions,
} from '@carecircle/platform/event-store';
import { backendPid, waitForLockWait } from '@carecircle/platform/testing';
import type { EventRoute } from '../consumer/event-route';
import { migratedDatabase, type MigratedDatabase } from '../test-support/infrastructure';
import { Inbox } from './inbox';
import { SharedInboxTransaction, withSharedInboxTransaction } from './inbox-transaction';
import { keptMessageProjection } from './kept-message-projection';

const CONSUMER = 'toy-consumer';
const TOPIC = 'toy.events';

/** A toy read model: how many times each member was seen, and the members' last notes. */
const TOY_TABLES = `
  CREATE TABLE toy_tally (member text PRIMARY KEY, seen int NOT NULL CHECK (seen > 0));
  CREATE TABLE toy_note (member text PRIMARY KEY, note text NOT NULL);`;

const event = (member: string, note = 'synthetic'): IntegrationEvent =>
  ({ eventId: randomUUID(), type: 'ToySeen', subject: member, payload: { note } }) as unknown as IntegrationEvent;

/** The read model's projection: the live path and the rebuild run it, in this table order. */
const project = async (seen: IntegrationEvent, tx: EntityManager) => {
  const member = (seen as unknown as { subject: string }).subject;
  const { note } = (seen as unknown as { payload: { note: string } }).payload;
  await tx.query(
    `INSERT INTO toy_tally (member, seen) VALUES ($1, 1) ON CONFLICT (member) DO UPDATE SET seen = toy_tally.seen + 1`,
    [member],
  );
  await tx.query(`INSERT INTO toy_note (member, note) VALUES ($1, $2) ON CONFLICT (member) DO UPDATE SET note = $2`, [
    member,
    note,
  ]);
};
const ROUTES: EventRoute[] = [{ type: 'ToySeen', parse: (value) => value as IntegrationEvent, effect: project }];

/**
 * A read model fed by a topic, rebuilt from the events its inbox kept, on real PostgreSQL, while the live
 * path (the inbox: claim, keep, project in one transaction; or a batch of several in one) goes on.
 */
describe('keptMessageProjection (PostgreSQL)', () => {
  let database: MigratedDatabase;
  let inbox: Inbox;

  beforeAll(async () => {
    database = await migratedDatabase('kept_message_projection');
    await database.dataSource.query(TOY_TABLES);
    inbox = new Inbox(database.dataSource);
  });
  afterAll(async () => {
    await database?.stop();
  });

  const live = (seen: IntegrationEvent) =>
    inbox.handleOnce(CONSUMER, seen.eventId, (tx) => project(seen, tx), {
      topic: TOPIC,
      type: seen.type,
      body: seen,
    });
  const tables = async () => ({
    tally: await database.dataSource.query('SELECT * FROM toy_tally ORDER BY member'),
    notes: await database.dataSource.query('SELECT * FROM toy_note ORDER BY member'),
  });
  const rebuild = (sql: ReturnType<typeof sqlOfPool>, options: ShadowRebuildOptions = {}) =>
    rebuildIntoShadows(
      sql,
      keptMessageProjection({
        name: 'toy',
        schema: 'public',
        tables: ['toy_tally', 'toy_note'],
        consumer: CONSUMER,
        topics: [TOPIC],
        routes: ROUTES,
        writer: database.dataSource.manager,
        pageSize: 4,
      }),
      options,
    );

  it('rebuilds what the inbox applied, while single events and a batch between two events commit', async () => {
    const members = Array.from({ length: 6 }, (_, n) => `mbr_synthetic_kept_${n}`);
    const applied: IntegrationEvent[] = [];
    for (let round = 0; round < 4; round++)
      for (const member of members) {
        const seen = event(member, `round ${round}`);
        applied.push(seen);
        expect(await live(seen)).toBe('processed');
      }
    // Seen by another consumer: not this read model's.
    await inbox.handleOnce('another-consumer', randomUUID(), async () => undefined, {
      topic: TOPIC,
      type: 'ToySeen',
      body: event('mbr_synthetic_other'),
    });

    const [rebuilder, observer] = [new Client(database.db.url), new Client(database.db.url)];
    await rebuilder.connect();
    await observer.connect();
    const pid = await backendPid(rebuilder);
    const batch = new SharedInboxTransaction();
    let batchDone: Promise<void> | undefined;
    const pages: RebuildProgress[] = [];
    try {
      const result = await rebuild(sqlOfPool(rebuilder), {
        onProgress: async (progress) => {
          pages.push(progress);
          if (pages.length !== 3) return;
          // Mid-load: more events, for members already folded.
          for (const member of members.slice(0, 3)) {
            const seen = event(member, 'mid-load');
            applied.push(seen);
            await live(seen);
          }
        },
        beforeSwap: async () => {
          // A batch has applied one event when the swap begins; its next event comes while the swap waits.
          const [first, second] = [event(members[4]!, 'batch 1'), event('mbr_synthetic_kept_new', 'batch 2')];
          applied.push(first, second);
          await withSharedInboxTransaction(batch, () => live(first));
          batchDone = (async () => {
            await waitForLockWait(observer, pid, 'the swap to wait for the open batch');
            // The swap holds the read model's tables, not kept_message: the batch's next claim goes through.
            await withSharedInboxTransaction(batch, () => live(second));
            await batch.commit();
          })();
        },
      });
      await batchDone;
      expect(result).toEqual({ done: applied.length, total: applied.length });
      expect(pages[0]).toEqual({ done: 0, total: 24 });
    } finally {
      await batch.rollback();
      await Promise.all([rebuilder.end(), observer.end()]);
    }

    // A redelivery changes nothing; the live path writes into the rebuilt tables.
    expect(await live(applied[0]!)).toBe('duplicate');
    const late = event(members[5]!, 'after the swap');
    applied.push(late);
    await live(late);

    const expectedTally = new Map<string, number>();
    const expectedNote = new Map<string, string>();
    for (const seen of applied) {
      const member = (seen as unknown as { subject: string }).subject;
      expectedTally.set(member, (expectedTally.get(member) ?? 0) + 1);
      expectedNote.set(member, (seen as unknown as { payload: { note: string } }).payload.note);
    }
    const sorted = [...expectedTally.keys()].sort();
    expect(await tables()).toEqual({
      tally: sorted.map((member) => ({ member, seen: expectedTally.get(member) })),
      notes: sorted.map((member) => ({ member, note: expectedNote.get(member) })),
    });
    const shadows = await database.dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`);
    expect(shadows).toEqual([]);
  });

  it('refuses, before any work, a consumer that handled events before its inbox kept them', async () => {
    const before = await tables();
    await database.dataSource.query(
      `INSERT INTO processed_message (consumer, event_id, processed_at)
       SELECT $1, $2, min(started_at) - interval '1 day' FROM kept_message_start`,
      [CONSUMER, randomUUID()],
    );
    const rebuilder = new Client(database.db.url);
    await rebuilder.connect();
    try {
      await expect(rebuild(sqlOfPool(rebuilder))).rejects.toThrow(
        `toy: ${CONSUMER} handled events before its inbox kept them; the read model cannot be rebuilt from zero`,
      );
    } finally {
      await rebuilder.end();
    }
    expect(await tables()).toEqual(before);
    expect(await database.dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'rebuild_%'`)).toEqual(
      [],
    );
  });
});
