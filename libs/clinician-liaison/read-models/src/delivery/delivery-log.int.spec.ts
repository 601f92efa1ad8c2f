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
} from './delivery-log';

jest.setTimeout(60_000);

const T0 = new Date('2026-12-05T10:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1_000);

/**
 * The push queue and the processor checkpoint on real PostgreSQL, with two connection pools standing in
 * for two replicas of clinician-liaison.
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

  it('gives each due push to one replica only, however the two race', async () => {
    const alertIds = await enqueue(60);
    const claimedBy: Record<'a' | 'b', string[]> = { a: [], b: [] };
    for (let round = 0; round < 4; round++) {
      const [a, b] = await Promise.all([
        claimDueDeliveries(replicaA.manager, at(1), at(120), 10),
        claimDueDeliveries(replicaB.manager, at(1), at(120), 10),
      ]);
      claimedBy.a.push(...a.map((d) => d.alertId));
      claimedBy.b.push(...b.map((d) => d.alertId));
    }
    const all = [...claimedBy.a, ...claimedBy.b];
    expect(all).toHaveLength(alertIds.length);
    expect(new Set(all).size).toBe(alertIds.length); // no push claimed twice
    expect(claimedBy.a.length).toBeGreaterThan(0);
    expect(claimedBy.b.length).toBeGreaterThan(0);
  });

  it('holds a claimed push until its lease passes, then hands it out again (a replica died mid-send)', async () => {
    const [alertId] = await enqueue(1);
    expect((await claimDueDeliveries(replicaA.manager, at(1), at(60))).map((d) => d.alertId)).toEqual([alertId]);
    expect(await claimDueDeliveries(replicaB.manager, at(59), at(120))).toEqual([]);
    expect((await claimDueDeliveries(replicaB.manager, at(61), at(120))).map((d) => [d.alertId, d.attempts])).toEqual([
      [alertId, 0],
    ]);
  });

  it('schedules a retry at the time given, and never hands out a delivered or parked push', async () => {
    const [retried, delivered, parked] = await enqueue(3);
    await claimDueDeliveries(replicaA.manager, at(1), at(60));
    const attempt = { channel: 'webhook:facilitator', error: null, nextAttemptAt: at(5) };
    await recordDeliveryAttempt(replicaA.manager, { ...attempt, alertId: retried!, status: 503, deliveredAt: null });
    await recordDeliveryAttempt(replicaA.manager, { ...attempt, alertId: delivered!, status: 200, deliveredAt: at(2) });
    await recordDeliveryAttempt(replicaA.manager, {
      ...attempt,
      alertId: parked!,
      status: 410,
      deliveredAt: null,
      parked: { at: at(2), reason: 'rejected with 410' },
    });

    expect(await claimDueDeliveries(replicaB.manager, at(4), at(60))).toEqual([]);
    expect(
      (await claimDueDeliveries(replicaB.manager, at(3_600), at(3_700))).map((d) => [d.alertId, d.attempts]),
    ).toEqual([[retried, 1]]);
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
