import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { runMigrations } from '@carecircle/platform/event-store';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { readProcessorCheckpoint, saveProcessorCheckpoint } from '../alerts/alert.projection';
import { liaisonReadModelMigrations } from '../index';
import {
  claimDueDeliveries,
  countParkedDeliveries,
  enqueueDelivery,
  findDeliveries,
  recordDeliveryAttempt,
  releaseDeliveryLeases,
} from './delivery-log';

jest.setTimeout(60_000);

const T0 = new Date('2026-12-05T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);

/**
 * The push queue and the processor checkpoint on real PostgreSQL, with two connection pools standing in
 * for two replicas of clinician-liaison (each claim names its replica) and times passed in as the clock.
 */
describe('liaison delivery log and processor checkpoint (PostgreSQL)', () => {
  let db: TestDatabase;
  let replicaA: DataSource;
  let replicaB: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('liaison_delivery_log');
    await runMigrations(db.url, liaisonReadModelMigrations);
    [replicaA, replicaB] = [
      new DataSource({ type: 'postgres', url: db.url }),
      new DataSource({ type: 'postgres', url: db.url }),
    ];
    await Promise.all([replicaA.initialize(), replicaB.initialize()]);
  });

  afterAll(async () => {
    await Promise.all([replicaA?.destroy(), replicaB?.destroy()]);
    await db?.drop();
  });

  beforeEach(async () => {
    await replicaA.query('TRUNCATE liaison_delivery, liaison_processor_checkpoint');
  });

  const enqueue = async (count: number) => {
    const alertIds = Array.from({ length: count }, () => randomUUID());
    for (const alertId of alertIds)
      await enqueueDelivery(replicaA.manager, {
        alertId,
        channel: 'webhook:facilitator',
        url: 'https://hooks.example.test/f',
        payload: { alertId },
        now: T0,
      });
    return alertIds;
  };

  const claim = (ds: DataSource, replica: string, now: Date, leaseUntil: Date, limit = 20) =>
    claimDueDeliveries(ds.manager, { replica, now, leaseUntil, limit });
  const ids = (claimed: { alertId: string }[]) => claimed.map((d) => d.alertId).sort();
  const leaseHolders = async () =>
    (
      (await replicaA.query(
        'SELECT leased_by, count(*)::int AS n FROM liaison_delivery WHERE leased_by IS NOT NULL GROUP BY leased_by ORDER BY leased_by',
      )) as { leased_by: string; n: number }[]
    ).map((r) => [r.leased_by, r.n]);

  it("never gives one push to two replicas, however they race, a dead replica's expired leases too", async () => {
    const alertIds = await enqueue(60);
    // A third replica claimed a third of them and died: its leases end at 30 s.
    const orphaned = await claim(replicaA, 'replica-c', at(0), at(30));
    const claimedBy: Record<'a' | 'b', string[]> = { a: [], b: [] };
    for (let round = 0; round < 5; round++) {
      const now = at(31 + round);
      const [a, b] = await Promise.all([
        claim(replicaA, 'replica-a', now, at(120), 10),
        claim(replicaB, 'replica-b', now, at(120), 10),
      ]);
      claimedBy.a.push(...a.map((d) => d.alertId));
      claimedBy.b.push(...b.map((d) => d.alertId));
      // Each pass ends its leases by recording its attempts, as the deliverer does.
      for (const [replica, claimed] of [
        ['replica-a', a],
        ['replica-b', b],
      ] as const)
        for (const d of claimed)
          await recordDeliveryAttempt(replicaA.manager, {
            replica,
            alertId: d.alertId,
            channel: d.channel,
            status: 200,
            error: null,
            deliveredAt: now,
            nextAttemptAt: now,
          });
    }
    const all = [...claimedBy.a, ...claimedBy.b];
    expect(orphaned).toHaveLength(20);
    expect(all.sort()).toEqual([...alertIds].sort()); // every push once, none twice
    expect(claimedBy.a.length).toBeGreaterThan(0);
    expect(claimedBy.b.length).toBeGreaterThan(0);
    expect(await leaseHolders()).toEqual([]);
  });

  it('gives a replica its own leased pushes back at once after its database connection was lost, and no one else', async () => {
    const alertIds = await enqueue(3);
    // The claim commits, and its answer is lost with the connection (the pass never sends them).
    await claim(replicaA, 'replica-a', at(1), at(31));
    await replicaA.destroy();
    replicaA = await new DataSource({ type: 'postgres', url: db.url }).initialize();

    expect(await claim(replicaB, 'replica-b', at(2), at(32))).toEqual([]);
    const retaken = await claim(replicaA, 'replica-a', at(2), at(32));
    expect(ids(retaken)).toEqual([...alertIds].sort());
    expect(retaken.map((d) => d.attempts)).toEqual([0, 0, 0]);
    // Its own pass never sent them: not flagged.
    expect(retaken.map((d) => d.possibleDuplicate)).toEqual([false, false, false]);
    expect(await leaseHolders()).toEqual([['replica-a', 3]]);
    // Own rows come first, ahead of rows merely due.
    const [due] = await enqueue(1);
    expect(ids(await claim(replicaA, 'replica-a', at(3), at(33), 3))).toEqual([...alertIds].sort());
    expect(ids(await claim(replicaB, 'replica-b', at(3), at(33)))).toEqual([due]);
  });

  it("takes another replica's lease only once it has ended (injected clock), and then that replica's late record keeps out", async () => {
    const [alertId] = await enqueue(1);
    expect(ids(await claim(replicaA, 'replica-a', at(1), at(31)))).toEqual([alertId]);
    expect(await claim(replicaB, 'replica-b', at(30.999), at(61))).toEqual([]);
    // replica-a may have sent it before it went quiet: the push is flagged as a possible duplicate.
    expect(
      (await claim(replicaB, 'replica-b', at(31), at(61))).map((d) => [d.alertId, d.attempts, d.possibleDuplicate]),
    ).toEqual([[alertId, 0, true]]);
    // replica-a's database comes back after its lease: its own claim and its failed attempt are no longer its.
    expect(await claim(replicaA, 'replica-a', at(32), at(62))).toEqual([]);
    const failed = { alertId: alertId!, channel: 'webhook:facilitator', status: 503, error: null, deliveredAt: null };
    await recordDeliveryAttempt(replicaA.manager, { ...failed, replica: 'replica-a', nextAttemptAt: at(33) });
    expect(await findDeliveries(replicaA.manager, alertId!)).toEqual([
      expect.objectContaining({ attempts: 0, nextAttemptAt: at(61).toISOString() }),
    ]);
    expect(await leaseHolders()).toEqual([['replica-b', 1]]);
    // A delivery is a fact whoever holds the row; written twice, it counts once.
    const delivered = { ...failed, status: 200, deliveredAt: at(33), nextAttemptAt: at(33) };
    await recordDeliveryAttempt(replicaA.manager, { ...delivered, replica: 'replica-a' });
    await recordDeliveryAttempt(replicaB.manager, { ...delivered, replica: 'replica-b' });
    expect(await findDeliveries(replicaA.manager, alertId!)).toEqual([
      expect.objectContaining({ attempts: 1, deliveredAt: at(33).toISOString() }),
    ]);
    expect(await claim(replicaB, 'replica-b', at(3_600), at(3_630))).toEqual([]);
  });

  it("hands a shutting-down replica's unsent pushes back to the queue at once", async () => {
    const alertIds = await enqueue(2);
    await claim(replicaA, 'replica-a', at(1), at(31));
    await releaseDeliveryLeases(replicaA.manager, 'replica-a', at(2));
    const handedOver = await claim(replicaB, 'replica-b', at(2), at(32));
    expect(ids(handedOver)).toEqual([...alertIds].sort());
    // Handed back unsent, not taken over: no flag.
    expect(handedOver.map((d) => d.possibleDuplicate)).toEqual([false, false]);
  });

  it('schedules a retry at the time given, and never hands out a delivered or parked push', async () => {
    const [retried, delivered, parked] = await enqueue(3);
    await claim(replicaA, 'replica-a', at(1), at(60));
    const attempt = { replica: 'replica-a', channel: 'webhook:facilitator', error: null, nextAttemptAt: at(5) };
    await recordDeliveryAttempt(replicaA.manager, { ...attempt, alertId: retried!, status: 503, deliveredAt: null });
    await recordDeliveryAttempt(replicaA.manager, { ...attempt, alertId: delivered!, status: 200, deliveredAt: at(2) });
    await recordDeliveryAttempt(replicaA.manager, {
      ...attempt,
      alertId: parked!,
      status: 410,
      deliveredAt: null,
      parked: { at: at(2), reason: 'rejected with 410' },
    });

    expect(await claim(replicaB, 'replica-b', at(4), at(60))).toEqual([]);
    expect(await claim(replicaA, 'replica-a', at(4), at(60))).toEqual([]); // recorded: no longer its own
    expect((await claim(replicaB, 'replica-b', at(3_600), at(3_700))).map((d) => [d.alertId, d.attempts])).toEqual([
      [retried, 1],
    ]);
    expect(await countParkedDeliveries(replicaB.manager)).toBe(1);
    expect(await findDeliveries(replicaB.manager, parked!)).toEqual([
      expect.objectContaining({
        attempts: 1,
        lastStatus: 410,
        deliveredAt: null,
        parkedAt: at(2).toISOString(),
        parkReason: 'rejected with 410',
      }),
    ]);
  });

  it('moves the processor checkpoint only forward, whichever replica saves last', async () => {
    await saveProcessorCheckpoint(replicaA.manager, 'liaison-processor', 40n);
    await saveProcessorCheckpoint(replicaB.manager, 'liaison-processor', 25n); // a replica behind
    expect(await readProcessorCheckpoint(replicaA.manager, 'liaison-processor')).toBe(40n);
    await saveProcessorCheckpoint(replicaB.manager, 'liaison-processor', 41n);
    expect(await readProcessorCheckpoint(replicaA.manager, 'liaison-processor')).toBe(41n);
  });
});
