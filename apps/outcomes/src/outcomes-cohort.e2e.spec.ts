import { randomUUID } from 'node:crypto';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { fixtures, MemberEnrolled, Topics } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';

/**
 * Issue 6's e2e: outcomes and scheduling as separate processes built from dist/, each with its own
 * PostgreSQL database, on one Kafka-protocol cluster. Enrollment is not started: its MemberEnrolled
 * events (fixture-shaped) are published to the real broker by this test, which is all scheduling needs
 * to keep its roster. Attendance goes through scheduling's REST API, measures through outcomes' REST
 * API, and outcomes' events are read back from its real topic with a kafkajs consumer.
 *
 * The cohort, 10 synthetic members in one open, disease-specific (cancer) group, PHQ-9 at baseline
 * and end. Members 0-4 attend 6 sessions (dosed), 5-9 attend 3 and miss the 4th (under-dosed): five a side, so both
 * dose cells reach the small-cell threshold (with 6/4 the 4 is withheld, and the 6 with it, as 10 - 6 = 4).
 */
jest.setTimeout(180_000);

const RUN = randomUUID().slice(0, 8);
const GROUP_ID = `grp_e2e_outcomes_${RUN}`;
const MEMBERS = Array.from({ length: 10 }, (_, i) => `mbr_e2e_out_${RUN}_${String(i).padStart(2, '0')}`);
const BASELINE = [20, 18, 16, 14, 12, 10, 15, 13, 11, 9];
const END = [8, 12, 10, 12, 11, 16, 14, 12, 17, 6];
/** PHQ-9 item 9 > 0: member 9 at baseline, member 6 at the end. */
const ITEM9_BASELINE = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const ITEM9_END = [0, 0, 0, 0, 0, 0, 2, 0, 0, 0];
const DOSED = (i: number) => i < 5;
/** Changes (end - baseline) of at least 5 points: improvement for 0, 1, 2; deterioration for 5 and 8. */
const EXPECTED_EVENTS: Record<number, string[]> = {
  0: ['ImprovementDetected'],
  1: ['ImprovementDetected'],
  2: ['ImprovementDetected'],
  5: ['DeteriorationDetected'],
  6: ['SuicidalIdeationReported'],
  8: ['DeteriorationDetected'],
  9: ['SuicidalIdeationReported'],
};

const WEEK_MS = 7 * 24 * 3_600_000;
/** A course that is already over, so every session can take attendance. */
const FIRST_SESSION = new Date(Math.floor((Date.now() - 9 * WEEK_MS) / 3_600_000) * 3_600_000);
const BASELINE_AT = new Date(FIRST_SESSION.getTime() - 2 * 24 * 3_600_000).toISOString();
const END_AT = new Date(FIRST_SESSION.getTime() + 8 * WEEK_MS).toISOString();

interface BusEvent {
  eventId: string;
  type: string;
  subject: string;
  payload: Record<string, unknown>;
}

describe('outcomes cohort across processes: scheduling attendance → Kafka → outcomes, kill -9 included', () => {
  let kafka: KafkaCluster | undefined;
  let outcomesDb: TestDatabase | undefined;
  let schedulingDb: TestDatabase | undefined;
  let outcomes: ServiceProcess | undefined;
  let scheduling: ServiceProcess | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  /** Everything seen on outcomes' topic, redeliveries included. */
  const seen: BusEvent[] = [];
  const measureIds = { baseline: MEMBERS.map(() => randomUUID()), end: MEMBERS.map(() => randomUUID()) };

  const common = () => ({
    KAFKA_BROKERS: kafka!.brokers.join(','),
    KAFKA_TOPICS_AUTO_CREATED: 'true',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'info',
  });
  const startOutcomes = () =>
    startServiceProcess({
      app: 'outcomes',
      env: { ...common(), DATABASE_URL: outcomesDb!.url },
      startTimeoutMs: 60_000,
    });
  const startScheduling = () =>
    startServiceProcess({
      app: 'scheduling',
      env: { ...common(), DATABASE_URL: schedulingDb!.url },
      startTimeoutMs: 60_000,
    });

  beforeAll(async () => {
    kafka = await startKafka();
    [outcomesDb, schedulingDb] = await Promise.all([
      createTestDatabase('e2e_outcomes'),
      createTestDatabase('e2e_outcomes_scheduling'),
    ]);
    [outcomes, scheduling] = await Promise.all([startOutcomes(), startScheduling()]);
    const client = createKafka({ clientId: `outcomes-e2e-${RUN}`, brokers: kafka.brokers });
    producer = createProducer(client);
    consumer = client.consumer({ groupId: `outcomes-e2e-reader-${RUN}` });
    await Promise.all([producer.connect(), consumer.connect()]);
    await consumer.subscribe({ topic: Topics.outcomes, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value) seen.push(JSON.parse(message.value.toString('utf8')) as BusEvent);
      },
    });
  });

  afterAll(async () => {
    const settled = await Promise.allSettled([
      consumer?.disconnect(),
      producer?.disconnect(),
      outcomes?.kill9(),
      scheduling?.kill9(),
    ]);
    await Promise.allSettled([outcomesDb?.drop(), schedulingDb?.drop()]);
    await kafka?.stop();
    const failures = settled.filter((s) => s.status === 'rejected');
    if (failures.length > 0) console.warn('outcomes e2e cleanup:', failures);
  });

  async function send(
    method: 'POST' | 'GET',
    url: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown; text: string; contentType: string | null }> {
    const response = await fetch(url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text, contentType: response.headers.get('content-type') };
  }

  const phq9 = (i: number, point: 'baseline' | 'end') => ({
    measureId: point === 'baseline' ? measureIds.baseline[i] : measureIds.end[i],
    instrument: 'phq-9',
    total: point === 'baseline' ? BASELINE[i] : END[i],
    item9: point === 'baseline' ? ITEM9_BASELINE[i] : ITEM9_END[i],
    point,
    administeredAt: point === 'baseline' ? BASELINE_AT : END_AT,
    administeredBy: 'clin_e2e_psy_01',
    groupId: GROUP_ID,
  });

  async function recordPhq9(i: number, point: 'baseline' | 'end') {
    const response = await send('POST', `${outcomes!.url}/api/outcomes/members/${MEMBERS[i]}/measures`, phq9(i, point));
    if (response.status !== 202)
      throw new Error(`PHQ-9 ${point} of member ${i}: HTTP ${response.status} ${response.text}`);
    return response.body as { status: string; events: string[] };
  }

  async function outcomesQuery<T extends object>(sql: string): Promise<T[]> {
    const client = new Client({ connectionString: outcomesDb!.url });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  }

  it('takes the roster from enrollment events and each session’s attendance through scheduling’s REST API', async () => {
    const enrolments = MEMBERS.map((memberId) => ({
      ...fixtures.MemberEnrolled,
      eventId: randomUUID(),
      subject: memberId,
      payload: {
        ...fixtures.MemberEnrolled.payload,
        referralId: randomUUID(),
        groupId: GROUP_ID,
        enrolledAt: new Date(FIRST_SESSION.getTime() - 7 * 24 * 3_600_000).toISOString(),
      },
    }));
    for (const event of enrolments) expect(() => MemberEnrolled.parse(event)).not.toThrow();
    await producer!.send({
      topic: Topics.enrollment,
      acks: -1,
      messages: enrolments.map((e) => ({ key: e.subject, value: JSON.stringify(e) })),
    });

    const formed = await send('POST', `${scheduling!.url}/api/scheduling/groups`, {
      groupId: GROUP_ID,
      groupType: 'disease-specific',
      condition: 'cancer',
      seats: 12,
      openness: 'open',
      modality: 'online',
      videoLink: 'https://video.example.test/e2e-outcomes',
      facilitatorIds: ['fac_e2e_sw_01'],
      ageBand: { min: 18, max: 90 },
      cadence: 'weekly',
      sessionMinutes: 90,
      courseWeeks: 8,
      firstSessionAt: FIRST_SESSION.toISOString(),
      timeZone: 'Europe/Berlin',
    });
    expect({ status: formed.status, body: formed.body }).toMatchObject({ status: 202, body: { status: 'formed' } });

    const calendar = await send('GET', `${scheduling!.url}/api/scheduling/groups/${GROUP_ID}/calendar`);
    const sessions = (calendar.body as { sessions: { sessionId: string; startsAt: string }[] }).sessions;
    expect(sessions.length).toBeGreaterThanOrEqual(6);
    expect(sessions.every((s) => s.startsAt < new Date().toISOString())).toBe(true);

    await waitFor(
      async () => {
        const roster = (await send('GET', `${scheduling!.url}/api/scheduling/groups/${GROUP_ID}/roster`)).body as {
          members?: { status: string }[];
        };
        return roster.members?.filter((m) => m.status === 'enrolled').length === MEMBERS.length;
      },
      {
        timeoutMs: 60_000,
        description: `scheduling's roster of ${GROUP_ID} to list the 10 members enrolled through Kafka`,
      },
    );

    // One group is one stream in scheduling: record attendance one request at a time.
    const doseReached: string[] = [];
    for (const [i, memberId] of MEMBERS.entries()) {
      const plan = DOSED(i)
        ? [
            'attended-online',
            'attended-online',
            'attended-online',
            'attended-online',
            'attended-online',
            'attended-online',
          ]
        : ['attended-online', 'attended-online', 'attended-online', 'absent'];
      for (const [s, status] of plan.entries()) {
        const response = await send(
          'POST',
          `${scheduling!.url}/api/scheduling/groups/${GROUP_ID}/sessions/${sessions[s]!.sessionId}/attendance`,
          { memberId, status },
        );
        if (response.status !== 202)
          throw new Error(`attendance of member ${i} at session ${s}: HTTP ${response.status} ${response.text}`);
        if ((response.body as { events: string[] }).events.includes('DoseReached')) doseReached.push(memberId);
      }
    }
    expect(doseReached).toEqual(MEMBERS.slice(0, 5));
  });

  it('accepts half the measures, survives kill -9 of outcomes, and accepts the rest after a restart', async () => {
    const baseline = async (i: number) =>
      expect(await recordPhq9(i, 'baseline')).toEqual({
        memberId: MEMBERS[i],
        measureId: measureIds.baseline[i],
        status: 'recorded',
        events: ['MeasureRecorded', ...(ITEM9_BASELINE[i]! > 0 ? ['SuicidalIdeationReported'] : [])],
      });
    // The first five go all the way round (relay → topic → outcomes' own consumer → cohort projection)…
    for (const i of [0, 1, 2, 3, 4]) await baseline(i);
    await waitFor(
      async () =>
        (
          (await send('GET', `${outcomes!.url}/api/outcomes/cohort-reports?instrument=phq-9&groupId=${GROUP_ID}`))
            .body as { members?: number }
        ).members === 5,
      { timeoutMs: 60_000, description: 'the first five baselines to reach the cohort projection before the kill' },
    );
    // …the next five are accepted (202: durably stored) and the process is killed -9 right after the last.
    for (const i of [5, 6, 7, 8, 9]) await baseline(i);
    await outcomes!.kill9();
    // With the process gone, its database shows what the kill interrupted: every accepted measure is
    // stored; how many had gone through the relay, the topic and back into the projection is timing.
    const [storedAtKill] = await outcomesQuery<{ n: string }>(
      "SELECT count(*) AS n FROM event_store.events WHERE type = 'MeasureRecorded'",
    );
    const [projectedAtKill] = await outcomesQuery<{ n: string }>('SELECT count(*) AS n FROM outcome_measure');
    expect(Number(storedAtKill!.n)).toBe(10);
    expect(Number(projectedAtKill!.n)).toBeGreaterThanOrEqual(5);
    const seenAtKill = new Set(seen.filter((e) => e.type === 'MeasureRecorded').map((e) => e.eventId)).size;
    console.info(
      `outcomes e2e: killed -9 after 10 accepted baselines: ${projectedAtKill!.n} projected, ${seenAtKill} seen by the test's consumer`,
    );
    const restartStarted = Date.now();
    outcomes = await startOutcomes();
    console.info(`outcomes e2e: restart took ${Date.now() - restartStarted} ms`);

    // A client that did not see its last answer sends the measure again: accepted, nothing new.
    expect(await recordPhq9(9, 'baseline')).toMatchObject({ status: 'already-recorded', events: [] });
    for (const i of MEMBERS.keys()) {
      const expected = [
        'MeasureRecorded',
        ...(ITEM9_END[i]! > 0 ? ['SuicidalIdeationReported'] : []),
        ...(EXPECTED_EVENTS[i] ?? []).filter((t) => t !== 'SuicidalIdeationReported'),
      ];
      expect({ member: i, events: (await recordPhq9(i, 'end')).events }).toEqual({ member: i, events: expected });
    }
  });

  it("publishes each member's measures and detections on outcomes' topic, once per event id", async () => {
    const distinct = () => [...new Map(seen.map((e) => [e.eventId, e])).values()];
    const allMeasures = new Set<string>([...measureIds.baseline, ...measureIds.end]);
    const expectedDetections = Object.values(EXPECTED_EVENTS).flat().length;
    await waitFor(
      () => {
        const events = distinct().filter((e) => MEMBERS.includes(e.subject));
        const measures = events.filter(
          (e) => e.type === 'MeasureRecorded' && allMeasures.has(e.payload['measureId'] as string),
        );
        return measures.length === allMeasures.size && events.length >= allMeasures.size + expectedDetections;
      },
      {
        timeoutMs: 60_000,
        description: `all 20 MeasureRecorded and ${expectedDetections} detections on ${Topics.outcomes}`,
      },
    );
    const events = distinct();
    // Exactly one MeasureRecorded per accepted measure: nothing lost, nothing recorded twice.
    const recorded = events.filter((e) => e.type === 'MeasureRecorded').map((e) => e.payload['measureId']);
    expect([...recorded].sort()).toEqual([...allMeasures].sort());

    const byMember = Object.fromEntries(
      MEMBERS.map((memberId, i) => [
        i,
        events
          .filter((e) => e.subject === memberId && e.type !== 'MeasureRecorded')
          .map((e) => e.type)
          .sort(),
      ]),
    );
    expect(byMember).toEqual(Object.fromEntries(MEMBERS.map((_, i) => [i, [...(EXPECTED_EVENTS[i] ?? [])].sort()])));

    const detection = (i: number, type: string) =>
      events.find((e) => e.subject === MEMBERS[i] && e.type === type)!.payload;
    expect(detection(0, 'ImprovementDetected')).toMatchObject({
      measureId: measureIds.end[0],
      comparedWith: 'baseline',
      from: 20,
      to: 8,
      change: -12,
      meaningfulChange: 5,
      fromBand: 'severe',
      toBand: 'mild',
    });
    expect(detection(5, 'DeteriorationDetected')).toMatchObject({
      measureId: measureIds.end[5],
      from: 10,
      to: 16,
      change: 6,
      fromBand: 'moderate',
      toBand: 'moderately-severe',
    });
    expect(detection(8, 'DeteriorationDetected')).toMatchObject({ from: 11, to: 17, change: 6 });
    expect(detection(6, 'SuicidalIdeationReported')).toMatchObject({
      measureId: measureIds.end[6],
      item9: 2,
      groupId: GROUP_ID,
    });
    expect(detection(9, 'SuicidalIdeationReported')).toMatchObject({ measureId: measureIds.baseline[9], item9: 1 });
    // Pseudonymous subjects only; the item answers never travel.
    expect(events.every((e) => /^mbr_/.test(e.subject))).toBe(true);
  });

  it('reports the cohort as computed by hand, split by dose, five a side so no cell is withheld, in JSON and CSV', async () => {
    const reportUrl = `${outcomes!.url}/api/outcomes/cohort-reports?instrument=phq-9&groupType=disease-specific&condition=cancer`;
    const report = await waitFor(
      async () => {
        const body = (await send('GET', reportUrl)).body as {
          all?: { n?: number };
          byDose?: { dosed: { n?: number } };
        };
        return body.all?.n === 10 && body.byDose?.dosed.n === 5 ? body : undefined;
      },
      {
        timeoutMs: 60_000,
        description:
          "the cohort report (filtered by scheduling's group type and condition) to hold the 10 members and the 5 dosed",
      },
    );
    // By hand. Baselines 20 18 16 14 12 10 15 13 11 9 → 13.8; ends 8 12 10 12 11 16 14 12 17 6 → 11.8.
    // Changes -12 -6 -6 -2 -1 +6 -1 -1 +6 -3 → mean -2; squared deviations sum 264, sd sqrt(264/9) = 5.416,
    // se 1.7127, t(9) 2.262 → ±3.874: [-5.874, 1.874]. Improved by >= 5: members 0, 1, 2 → 3/10.
    // Dosed (0-4): baselines → 16, ends 8 12 10 12 11 → 10.6, changes -12 -6 -6 -2 -1 → -5.4; squared deviations 75.2,
    // sd sqrt(18.8) = 4.336, se 1.9391, t(4) 2.776 → ±5.383: [-10.783, -0.017]; improved 3/5.
    // Under-dosed (5-9): baselines 10 15 13 11 9 → 11.6, ends 16 14 12 17 6 → 13, changes +6 -1 -1 +6 -3 → 1.4; squared
    // deviations 73.2, sd sqrt(18.3) = 4.278, se 1.9131, ±5.311: [-3.911, 6.711]; improved 0/5.
    expect(report).toEqual({
      instrument: 'phq-9',
      members: 10,
      all: {
        n: 10,
        meanBaseline: 13.8,
        meanFollowUp: 11.8,
        meanChange: -2,
        meanChangeCi95: { lower: -5.874, upper: 1.874 },
        meaningfulImprovement: { count: 3, share: 0.3 },
      },
      byDose: {
        dosed: {
          n: 5,
          meanBaseline: 16,
          meanFollowUp: 10.6,
          meanChange: -5.4,
          meanChangeCi95: { lower: -10.783, upper: -0.017 },
          meaningfulImprovement: { count: 3, share: 0.6 },
        },
        underDosed: {
          n: 5,
          meanBaseline: 11.6,
          meanFollowUp: 13,
          meanChange: 1.4,
          meanChangeCi95: { lower: -3.911, upper: 6.711 },
          meaningfulImprovement: { count: 0, share: 0 },
        },
      },
      doseSessions: 6,
      missing: { baseline: 0, followUp: 0 },
      smallCellThreshold: 5,
    });
    // The same cohort by group id gives the same figures.
    expect(
      (await send('GET', `${outcomes!.url}/api/outcomes/cohort-reports?instrument=phq-9&groupId=${GROUP_ID}`)).body,
    ).toEqual(report);

    const csv = await send(
      'GET',
      `${outcomes!.url}/api/outcomes/cohort-reports?instrument=phq-9&groupId=${GROUP_ID}&format=csv`,
    );
    expect(csv.contentType).toMatch(/text\/csv/);
    expect(csv.text.trim().split('\n')).toEqual([
      'instrument,cell,n,meanBaseline,meanFollowUp,meanChange,ci95Lower,ci95Upper,meaningfulImprovementCount,meaningfulImprovementShare,suppressed,suppressedReason',
      'phq-9,members,10,,,,,,,,false,',
      'phq-9,all,10,13.8,11.8,-2,-5.874,1.874,3,0.3,false,',
      'phq-9,attended>=6,5,16,10.6,-5.4,-10.783,-0.017,3,0.6,false,',
      'phq-9,attended<6,5,11.6,13,1.4,-3.911,6.711,0,0,false,',
      'phq-9,missing-baseline,0,,,,,,,,false,',
      'phq-9,missing-follow-up,0,,,,,,,,false,',
    ]);
    expect(csv.text).not.toMatch(/mbr_/);
  });

  it('lost and double-counted nothing across the kill: 20 stored measures, 20 projected rows, 2 per member', async () => {
    const stored = await outcomesQuery<{ n: string }>(
      "SELECT count(*) AS n FROM event_store.events WHERE type = 'MeasureRecorded'",
    );
    const projected = await outcomesQuery<{ member_id: string; n: string }>(
      'SELECT member_id, count(*) AS n FROM outcome_measure GROUP BY member_id ORDER BY member_id',
    );
    expect(Number(stored[0]!.n)).toBe(20);
    expect(projected.map((r) => [r.member_id, Number(r.n)])).toEqual(MEMBERS.map((m) => [m, 2]));
    for (const [i, memberId] of MEMBERS.entries()) {
      const trajectory = (await send('GET', `${outcomes!.url}/api/outcomes/members/${memberId}/trajectory`)).body as {
        instruments: { baseline: number; latest: number; measures: unknown[] }[];
      };
      expect({
        member: i,
        measures: trajectory.instruments[0]!.measures.length,
        baseline: trajectory.instruments[0]!.baseline,
        latest: trajectory.instruments[0]!.latest,
      }).toEqual({ member: i, measures: 2, baseline: BASELINE[i], latest: END[i] });
    }
  });

  it('shuts both services down cleanly on SIGTERM (exit code 0)', async () => {
    const [outcomesCode, schedulingCode] = await Promise.all([outcomes!.stop('SIGTERM'), scheduling!.stop('SIGTERM')]);
    expect({ outcomesCode, schedulingCode }).toEqual({ outcomesCode: 0, schedulingCode: 0 });
  });
});
