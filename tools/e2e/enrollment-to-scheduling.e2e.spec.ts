import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  httpJson,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { Client } from 'pg';
import {
  enrolMany,
  formGroupsKnownToEnrollment,
  groupIdsFor,
  referConsentAndEnrol,
  rosters,
  rosterSize,
  type Enrolment,
} from '@carecircle/platform/testing';

async function query<T extends object>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const countStoredEvents = async (databaseUrl: string) =>
  Number((await query<{ n: string }>(databaseUrl, 'SELECT count(*) AS n FROM event_store.events'))[0]!.n);

/**
 * A session on enrollment's database that watches its outbox relay and can hold the relay's turn the way
 * a second replica does (the transaction-scoped advisory lock the relay takes per batch, see
 * PostgresRelayCheckpointStore), so the test knows the relay has not started before it watches.
 */
async function relayWatch(databaseUrl: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const turn = "hashtextextended('outbox-relay:enrollment', 0)";
  const position = async (sql: string) => {
    const { rows } = await client.query<{ position: string | null }>(sql);
    return rows[0]?.position == null ? null : BigInt(rows[0].position);
  };
  return {
    holdTurn: () => client.query(`SELECT pg_advisory_lock(${turn})`),
    releaseTurn: () => client.query(`SELECT pg_advisory_unlock(${turn})`),
    relayed: () =>
      position("SELECT position::text AS position FROM outbox_relay_checkpoint WHERE relay_name = 'enrollment'"),
    lastRecorded: () => position('SELECT max(global_position)::text AS position FROM event_store.events'),
    close: () => client.end(),
  };
}

const STREAMED = 500;

/**
 * The foundation's promise, end to end, through the real care flow: enrollment and scheduling as
 * separate processes, real PostgreSQL, a real Kafka-protocol broker. Groups are formed in scheduling
 * and reach enrollment's catalogue over Kafka; members are referred with screening facts, consent,
 * and take a seat; whatever is killed, every accepted enrolment reaches scheduling's roster exactly once.
 */
jest.setTimeout(240_000);

describe('enrollment → Kafka → scheduling roster (care flow)', () => {
  let kafka: KafkaCluster | undefined;
  let enrollmentDb: TestDatabase | undefined;
  let schedulingDb: TestDatabase | undefined;
  let enrollment: ServiceProcess | undefined;
  let scheduling: ServiceProcess | undefined;

  // A short consumer-group session (kafkajs defaults to 30 s): a restarted service rejoins its group
  // within seconds of a kill -9 instead of waiting half a minute for the dead member to expire.
  const common = () => ({
    KAFKA_BROKERS: kafka!.brokers.join(','),
    KAFKA_TOPICS_AUTO_CREATED: 'true',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'info',
  });
  const startEnrollment = (relay = true) =>
    startServiceProcess({
      app: 'enrollment',
      env: {
        ...common(),
        DATABASE_URL: enrollmentDb!.url,
        RELAY_BATCH_SIZE: '10',
        OUTBOX_RELAY_ENABLED: String(relay),
      },
      startTimeoutMs: 60_000,
    });
  const startScheduling = () =>
    startServiceProcess({
      app: 'scheduling',
      env: { ...common(), DATABASE_URL: schedulingDb!.url },
      startTimeoutMs: 60_000,
    });
  const urls = { enrollment: () => enrollment!.url, scheduling: () => scheduling!.url };

  beforeAll(async () => {
    kafka = await startKafka();
    [enrollmentDb, schedulingDb] = await Promise.all([
      createTestDatabase('e2e_enrollment'),
      createTestDatabase('e2e_scheduling'),
    ]);
    [enrollment, scheduling] = await Promise.all([startEnrollment(), startScheduling()]);
  });

  afterAll(async () => {
    await Promise.all([enrollment?.kill9(), scheduling?.kill9()]);
    await Promise.all([enrollmentDb?.drop(), schedulingDb?.drop()]);
    await kafka?.stop();
  });

  /** None missing, none extra, none duplicated: per group, the roster is the accepted members, each applied once. */
  async function expectRostersExactly(enrolments: readonly Enrolment[], timeoutMs = 120_000) {
    const groupIds = [...new Set(enrolments.map((e) => e.groupId))];
    await waitFor(async () => (await rosterSize(urls.scheduling, groupIds)) >= enrolments.length, {
      timeoutMs,
      intervalMs: 250,
      description: `scheduling's rosters of ${groupIds.length} groups to reach ${enrolments.length} members`,
    });
    const seen = (await rosters(urls.scheduling, groupIds)).map((r) => ({
      groupId: r.groupId,
      members: r.members.map((m) => m.memberId).sort(),
      enrolmentsApplied: r.enrolmentsApplied,
    }));
    const expected = groupIds.map((groupId) => {
      const members = enrolments
        .filter((e) => e.groupId === groupId)
        .map((e) => e.memberId)
        .sort();
      return { groupId, members, enrolmentsApplied: members.length };
    });
    const byGroup = (a: { groupId: string }, b: { groupId: string }) => a.groupId.localeCompare(b.groupId);
    expect(seen.sort(byGroup)).toEqual(expected.sort(byGroup));
  }

  it("shows a screened, consenting member enrolled in enrollment on scheduling's roster within a bounded wait", async () => {
    const [groupId] = groupIdsFor('single', 1) as [string];
    await formGroupsKnownToEnrollment(urls, [groupId]);
    await referConsentAndEnrol(urls.enrollment, 'mbr_e2e_single_0001', groupId);
    const seats = await httpJson(urls.enrollment).get<{ seats: number; roster: { memberId: string }[] }>(
      `/api/enrollment/groups/${groupId}`,
    );
    expect(seats.body).toMatchObject({
      seats: 12,
      roster: [expect.objectContaining({ memberId: 'mbr_e2e_single_0001' })],
    });
    await expectRostersExactly([{ memberId: 'mbr_e2e_single_0001', groupId }], 30_000);
  });

  it('rejects a malformed referral with 400 naming each field, echoes no value, and records nothing', async () => {
    const before = await countStoredEvents(enrollmentDb!.url);
    const response = await httpJson(urls.enrollment).post<{ errors: { field: string }[] }>(
      '/api/enrollment/referrals',
      {
        referralId: 'not-a-uuid',
        memberId: 'Jane Synthetic Doe',
        referringClinicianId: 'clin_e2e_01',
        wantedGroupType: 'cooking',
        modalityPreference: 'online',
        memberRole: 'patient',
        screeningFacts: {
          age: 47,
          conditions: ['cancer'],
          phq9: { total: 6, item9: 7 },
          ptsdDiagnosis: false,
          highImpulsivity: false,
          acutePsychogenicDisorder: false,
          suicidalOrHomicidalIntent: false,
          psychosisOrAcuteMania: false,
        },
      },
    );
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error) => error.field).sort()).toEqual([
      'memberId',
      'referralId',
      'screeningFacts.phq9.item9',
      'wantedGroupType',
    ]);
    expect(JSON.stringify(response.body)).not.toMatch(/Jane Synthetic Doe|cooking/);
    expect(await countStoredEvents(enrollmentDb!.url)).toBe(before);
  });

  it(`loses and duplicates nothing when scheduling is killed -9 while ${STREAMED} enrolments stream through`, async () => {
    const groupIds = groupIdsFor('kill_scheduling', STREAMED);
    await formGroupsKnownToEnrollment(urls, groupIds);
    const sending = enrolMany(urls.enrollment, 'kill_scheduling', groupIds, STREAMED);
    await waitFor(async () => (await rosterSize(urls.scheduling, groupIds)) >= 50, {
      timeoutMs: 90_000,
      intervalMs: 200,
      description: 'the first 50 enrolments to reach scheduling before the kill',
    });
    await scheduling!.kill9();
    scheduling = await startScheduling();
    const { accepted, failed } = await sending;
    expect(failed).toEqual([]);
    expect(accepted).toHaveLength(STREAMED);
    await expectRostersExactly(accepted);
  });

  it('loses nothing when the relay is killed -9 mid-backlog, and the inbox absorbs the republished batch', async () => {
    const groupIds = groupIdsFor('kill_relay', STREAMED);
    await formGroupsKnownToEnrollment(urls, groupIds); // the catalogue persists across enrollment's restarts
    // Accept the care flow on a replica that does not relay, so a backlog builds up…
    await enrollment!.stop();
    enrollment = await startEnrollment(false);
    const { accepted, failed } = await enrolMany(urls.enrollment, 'kill_relay', groupIds, STREAMED);
    expect(failed).toEqual([]);
    // …then let a relaying process take the durable events 10 at a time, and kill it while it is at it:
    // it starts while another session holds the relay's turn, so it cannot finish before we watch.
    await enrollment!.stop();
    const watch = await relayWatch(enrollmentDb!.url);
    try {
      const before = await watch.relayed();
      const last = (await watch.lastRecorded())!;
      expect(before === null || before < last).toBe(true);
      await watch.holdTurn();
      enrollment = await startEnrollment(true);
      await watch.releaseTurn();
      await waitFor(async () => ((await watch.relayed()) ?? -1n) > (before ?? -1n), {
        timeoutMs: 60_000,
        intervalMs: 2,
        description: 'the relay to publish its first batch of the backlog',
      });
      await enrollment.kill9();
      const atKill = (await watch.relayed())!;
      expect(atKill).toBeLessThan(last); // the kill landed while the backlog was being relayed
    } finally {
      await watch.close();
    }
    enrollment = await startEnrollment();
    await expectRostersExactly(accepted);
  });

  it('shuts both services down cleanly on SIGTERM (exit code 0)', async () => {
    const [enrollmentCode, schedulingCode] = await Promise.all([
      enrollment!.stop('SIGTERM'),
      scheduling!.stop('SIGTERM'),
    ]);
    expect({ enrollmentCode, schedulingCode }).toEqual({ enrollmentCode: 0, schedulingCode: 0 });
  });
});
