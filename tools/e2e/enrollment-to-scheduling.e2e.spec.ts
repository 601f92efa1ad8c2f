import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, waitFor, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { Client } from 'pg';
import { enrol, enrolMany, roster } from './slice-client';

async function countStoredEvents(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events');
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

/**
 * The foundation's promise, end to end: enrollment and scheduling as separate processes, real
 * PostgreSQL, a real Kafka-protocol broker. Whatever is killed, every accepted enrolment reaches
 * scheduling's roster exactly once.
 */
jest.setTimeout(240_000);

describe('enrollment → Kafka → scheduling roster', () => {
  let kafka: KafkaCluster;
  let enrollmentDb: TestDatabase;
  let schedulingDb: TestDatabase;
  let enrollment: ServiceProcess | undefined;
  let scheduling: ServiceProcess | undefined;

  const common = () => ({ KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPICS_AUTO_CREATED: 'true', LOG_LEVEL: 'info' });
  const startEnrollment = (relay = true) =>
    startServiceProcess({
      app: 'enrollment',
      env: { ...common(), DATABASE_URL: enrollmentDb.url, RELAY_BATCH_SIZE: '10', OUTBOX_RELAY_ENABLED: String(relay) },
      startTimeoutMs: 60_000,
    });
  const startScheduling = () =>
    startServiceProcess({ app: 'scheduling', env: { ...common(), DATABASE_URL: schedulingDb.url }, startTimeoutMs: 60_000 });

  beforeAll(async () => {
    kafka = await startKafka();
    enrollmentDb = await createTestDatabase('e2e_enrollment');
    schedulingDb = await createTestDatabase('e2e_scheduling');
    [enrollment, scheduling] = await Promise.all([startEnrollment(), startScheduling()]);
  });

  afterAll(async () => {
    await Promise.all([enrollment?.kill9(), scheduling?.kill9()]);
    await Promise.all([enrollmentDb?.drop(), schedulingDb?.drop()]);
    await kafka?.stop();
  });

  async function expectRosterExactly(groupId: string, members: string[], timeoutMs = 120_000) {
    const expected = [...members].sort();
    const final = await waitFor(
      async () => {
        const current = await roster(scheduling!.url, groupId);
        return current.members.length >= expected.length ? current : undefined;
      },
      { timeoutMs, description: `scheduling's roster of ${groupId} to reach ${expected.length} members` },
    );
    const seen = final.members.map((m) => m.memberId).sort();
    expect(seen).toEqual(expected); // none missing, none extra, no duplicates
    expect(final.enrolmentsApplied).toBe(expected.length); // each enrolment applied once, redeliveries absorbed
  }

  it('shows an enrolled member on the roster within a bounded wait', async () => {
    await enrol(enrollment!.url, 'mbr_e2e_single_0001', 'grp_single');
    await expectRosterExactly('grp_single', ['mbr_e2e_single_0001'], 30_000);
  });

  it('rejects a malformed referral with 400 naming each field, echoes no value, and records nothing', async () => {
    const before = await countStoredEvents(enrollmentDb.url);
    const response = await fetch(`${enrollment!.url}/api/referrals`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ referralId: 'not-a-uuid', memberId: 'Jane Synthetic Doe', referringClinicianId: 'clin_e2e_01', wantedGroupType: 'cooking', modalityPreference: 'online', memberRole: 'patient' }),
    });
    const body = (await response.json()) as { errors: { field: string }[] };
    expect(response.status).toBe(400);
    expect(body.errors.map((error) => error.field).sort()).toEqual(['memberId', 'referralId', 'wantedGroupType']);
    expect(JSON.stringify(body)).not.toMatch(/Jane Synthetic Doe|cooking/);
    expect(await countStoredEvents(enrollmentDb.url)).toBe(before);
  });

  it('loses and duplicates nothing when scheduling is killed -9 while 500 enrolments stream through', async () => {
    const groupId = 'grp_kill_scheduling';
    const sending = enrolMany(() => enrollment!.url, groupId, 500);
    await waitFor(async () => (await roster(scheduling!.url, groupId)).members.length >= 50, {
      timeoutMs: 60_000,
      description: 'the first 50 enrolments to reach scheduling before the kill',
    });
    await scheduling!.kill9();
    scheduling = await startScheduling();
    const { accepted, failed } = await sending;
    expect(failed).toEqual([]);
    await expectRosterExactly(groupId, accepted);
  });

  it('loses nothing when the relay is killed -9 mid-batch, and the inbox absorbs the republished batch', async () => {
    const groupId = 'grp_kill_relay';
    // Accept the enrolments on a replica that does not relay, so a backlog builds up…
    await enrollment!.stop();
    enrollment = await startEnrollment(false);
    const { accepted, failed } = await enrolMany(() => enrollment!.url, groupId, 500);
    expect(failed).toEqual([]);
    // …then let a relaying process take the 1000 durable events 10 at a time, and kill it while it is at it.
    await enrollment!.stop();
    enrollment = await startEnrollment(true);
    const atKill = await waitFor(
      async () => {
        const count = (await roster(scheduling!.url, groupId)).members.length;
        return count > 0 ? { count } : undefined;
      },
      { timeoutMs: 60_000, description: 'the relay to start publishing the backlog', intervalMs: 5 },
    );
    await enrollment!.kill9();
    expect(atKill.count).toBeLessThan(500); // the kill landed while the backlog was being relayed
    enrollment = await startEnrollment();
    await expectRosterExactly(groupId, accepted);
  });

  it('shuts both services down cleanly on SIGTERM (exit code 0)', async () => {
    const [enrollmentCode, schedulingCode] = await Promise.all([enrollment!.stop('SIGTERM'), scheduling!.stop('SIGTERM')]);
    expect({ enrollmentCode, schedulingCode }).toEqual({ enrollmentCode: 0, schedulingCode: 0 });
  });
});
