import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { migratedDatabase, type MigratedDatabase } from '../test-support/infrastructure';
import { Inbox } from './inbox';

describe('Inbox (PostgreSQL)', () => {
  let database: MigratedDatabase;
  let inbox: Inbox;

  beforeAll(async () => {
    database = await migratedDatabase('inbox');
    await database.dataSource.query('CREATE TABLE attendance (event_id uuid PRIMARY KEY, note text NOT NULL)');
    inbox = new Inbox(database.dataSource);
  });

  afterAll(async () => {
    await database?.stop();
  });

  const rows = async () =>
    (await database.dataSource.query('SELECT event_id FROM attendance')) as { event_id: string }[];
  const writeRow = (eventId: string) => (tx: EntityManager) =>
    tx.query('INSERT INTO attendance VALUES ($1, $2)', [eventId, 'seen']).then(() => undefined);

  it('runs the effect with the inbox transaction once; a redelivery is a duplicate that changes nothing', async () => {
    const eventId = randomUUID();
    expect(await inbox.handleOnce('scheduling', eventId, writeRow(eventId))).toBe('processed');
    const effect = jest.fn(writeRow(eventId));
    expect(await inbox.handleOnce('scheduling', eventId, effect)).toBe('duplicate');
    expect(effect).not.toHaveBeenCalled();
    expect((await rows()).filter((r) => r.event_id === eventId)).toHaveLength(1);
    expect(await inbox.hasProcessed('scheduling', eventId)).toBe(true);
  });

  it('keeps consumers apart: the same event is new to another consumer', async () => {
    const eventId = randomUUID();
    await inbox.handleOnce('scheduling', eventId, async () => undefined);
    expect(await inbox.handleOnce('outcomes', eventId, async () => undefined)).toBe('processed');
  });

  it('rolls the inbox row back with a failed effect, so a retry runs the effect again', async () => {
    const eventId = randomUUID();
    const failing = async (tx: EntityManager) => {
      await writeRow(eventId)(tx);
      throw new Error('projection failed');
    };
    await expect(inbox.handleOnce('scheduling', eventId, failing)).rejects.toThrow('projection failed');
    expect(await inbox.hasProcessed('scheduling', eventId)).toBe(false);
    expect((await rows()).some((r) => r.event_id === eventId)).toBe(false);
    expect(await inbox.handleOnce('scheduling', eventId, writeRow(eventId))).toBe('processed');
  });

  it('says when an event it processed has committed, and only then: not for a duplicate, not for a failure', async () => {
    const committed: string[] = [];
    let eventInFlight = '';
    const signalling = new Inbox(database.dataSource, () => committed.push(eventInFlight));
    const eventId = randomUUID();
    const effect = async (tx: EntityManager) => {
      eventInFlight = eventId;
      await writeRow(eventId)(tx);
      // Not yet: the row is not committed while the effect runs.
      expect(committed).toEqual([]);
    };
    expect(await signalling.handleOnce('scheduling', eventId, effect)).toBe('processed');
    expect(committed).toEqual([eventId]);
    expect(await signalling.handleOnce('scheduling', eventId, effect)).toBe('duplicate');
    await expect(
      signalling.handleOnce('scheduling', randomUUID(), async () => {
        throw new Error('projection failed');
      }),
    ).rejects.toThrow('projection failed');
    expect(committed).toEqual([eventId]);
  });

  it('lets exactly one of two concurrent deliveries of one event run its effect', async () => {
    const eventId = randomUUID();
    const outcomes = await Promise.all([1, 2, 3].map(() => inbox.handleOnce('scheduling', eventId, writeRow(eventId))));
    expect(outcomes.sort()).toEqual(['duplicate', 'duplicate', 'processed']);
    expect((await rows()).filter((r) => r.event_id === eventId)).toHaveLength(1);
  });
});
