import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { ServerKafka } from '@nestjs/microservices';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  ConditionRecorded,
  fixtures,
  gatewayFixtures,
  GroupFormed,
  ObservationRecorded,
  QuestionnaireAnswered,
  Topics,
} from '@carecircle/contracts';
import { gatewayMeasureId } from '@carecircle/outcomes/application';
import { assertEveryTopicHasHandler, createKafka, createProducer } from '@carecircle/platform/messaging';
import { bootstrapService, connectKafkaConsumer } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { AppModule } from './app.module';
import { OUTCOMES_SUBSCRIPTIONS } from './outcomes-events/outcomes-events.kafka.controller';
import { runCohortRebuild } from './outcomes-events/rebuild-cohort';

jest.setTimeout(120_000);

/**
 * Outcomes in one process over real PostgreSQL, a Kafka-protocol broker and real HTTP: a cohort of
 * 10 synthetic members with baseline and end PHQ-9, attendance from scheduling (fixture-shaped
 * messages, as scheduling would publish them), and the cohort report computed by hand.
 */
describe('outcomes service (HTTP, Kafka, PostgreSQL)', () => {
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let app: INestApplication | undefined;
  let server: ServerKafka;
  let producer: Producer | undefined;
  let url: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    kafka = await startKafka();
    db = await createTestDatabase('outcomes_int');
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
    });
    app = await bootstrapService({
      name: 'outcomes',
      rootModule: AppModule,
      port: 0,
      configure: (a) => {
        server = connectKafkaConsumer(a, 'outcomes');
      },
    });
    url = await app.getUrl();
    url = url.replace('[::1]', '127.0.0.1');
    producer = createProducer(createKafka({ clientId: 'outcomes-int-scheduling', brokers: kafka.brokers }));
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const measure = (overrides: object) => ({
    measureId: randomUUID(),
    instrument: 'phq-9',
    point: 'baseline',
    administeredAt: '2026-03-02T10:00:00Z',
    administeredBy: 'clin_int_01',
    groupId: 'grp_int_cancer',
    ...overrides,
  });
  async function storedEvents(): Promise<{ type: string }[]> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query<{ type: string }>('SELECT type FROM event_store.events ORDER BY 1')).rows;
    } finally {
      await client.end();
    }
  }

  it('has exactly one handler for each topic it subscribes to', () => {
    expect(() => assertEveryTopicHasHandler(server, [...OUTCOMES_SUBSCRIPTIONS])).not.toThrow();
  });

  it('rejects an unscorable or malformed measure with 400 naming the item or field, echoing no value, writing nothing', async () => {
    const before = (await storedEvents()).length;
    const outOfRange = await post(
      '/api/outcomes/members/mbr_int_reject_01/measures',
      measure({ answers: [1, 1, 1, 7, 1, 1, 1, 1, 0] }),
    );
    expect(outOfRange.status).toBe(400);
    expect(await outOfRange.json()).toMatchObject({
      errors: [{ field: 'answers[3]', constraints: [expect.stringMatching(/item 4 /)] }],
    });
    const malformed = await post(
      '/api/outcomes/members/mbr_int_reject_01/measures',
      measure({ instrument: 'phq-99', point: 'someday', total: 12 }),
    );
    const body = (await malformed.json()) as { errors: { field: string }[] };
    expect(malformed.status).toBe(400);
    expect(body.errors.map((e) => e.field).sort()).toEqual(['instrument', 'point']);
    expect(JSON.stringify(body)).not.toMatch(/phq-99|someday/);
    const badMember = await post('/api/outcomes/members/Jane%20Doe/measures', measure({ total: 12 }));
    expect(badMember.status).toBe(400);
    expect((await storedEvents()).length).toBe(before);
  });

  it('records 10 members with baseline and end PHQ-9, takes attendance from scheduling, and reports the cohort as computed by hand', async () => {
    const members = Array.from({ length: 10 }, (_, i) => `mbr_int_cohort_${String(i).padStart(2, '0')}`);
    // Baselines 10..19; even members improve by 6 (meaningful), odd ones by 2.
    for (const [i, memberId] of members.entries()) {
      const baseline = 10 + i;
      expect(
        (await post(`/api/outcomes/members/${memberId}/measures`, measure({ total: baseline, item9: 0 }))).status,
      ).toBe(202);
      const end = measure({
        total: baseline - (i % 2 === 0 ? 6 : 2),
        item9: i === 9 ? 1 : 0,
        point: 'end',
        administeredAt: '2026-05-04T10:00:00Z',
      });
      const response = await post(`/api/outcomes/members/${memberId}/measures`, end);
      expect(response.status).toBe(202);
      const { events } = (await response.json()) as { events: string[] };
      expect(events).toEqual([
        'MeasureRecorded',
        ...(i === 9 ? ['SuicidalIdeationReported'] : []),
        ...(i % 2 === 0 ? ['ImprovementDetected'] : []),
      ]);
      // The same measure sent again changes nothing.
      expect(await (await post(`/api/outcomes/members/${memberId}/measures`, end)).json()).toMatchObject({
        status: 'already-recorded',
      });
    }

    // Scheduling: the group, then 6 attended sessions for members 0-4 and 3 (plus an absence) for 5-9: five a side, so
    // both dose cells reach the small-cell threshold (with 6/4, the 4 would be withheld and the 6 with it, as 10 - 6 = 4).
    const group = {
      ...fixtures.GroupFormed,
      eventId: randomUUID(),
      subject: 'grp_int_cancer',
      payload: {
        ...fixtures.GroupFormed.payload,
        groupId: 'grp_int_cancer',
        groupType: 'disease-specific',
        condition: 'cancer',
      },
    };
    expect(() => GroupFormed.parse(group)).not.toThrow();
    const attendance = members.flatMap((memberId, i) =>
      Array.from({ length: i < 5 ? 6 : 4 }, (_, s) => ({
        ...fixtures.AttendanceRecorded,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...fixtures.AttendanceRecorded.payload,
          memberId,
          groupId: 'grp_int_cancer',
          sessionId: `ses_int_${s}`,
          status: i >= 5 && s === 3 ? 'absent' : 'attended-in-person',
          sessionsAttended: s + 1,
        },
      })),
    );
    await producer!.send({
      topic: Topics.scheduling,
      acks: -1,
      messages: [group, ...attendance].map((m) => ({ key: m.subject, value: JSON.stringify(m) })),
    });

    const report = await waitFor(
      async () => {
        const response = await fetch(
          `${url}/api/outcomes/cohort-reports?instrument=phq-9&groupType=disease-specific&condition=cancer`,
        );
        const body = (await response.json()) as {
          all: { n?: number };
          byDose: { dosed: { n?: number }; underDosed: { n?: number } };
        };
        return body.all.n === 10 && body.byDose.dosed.n === 5 && body.byDose.underDosed.n === 5 ? body : undefined;
      },
      {
        timeoutMs: 60_000,
        description: 'the cohort report to include all 10 members and the attendance of the dosed 5',
      },
    );
    // By hand: baselines 10..19 → 14.5; ends → 10.5; changes -6/-2 alternating → mean -4, sd sqrt(40/9) = 2.108,
    // se 0.6667, t(9) 2.262 → ±1.508; 5 of 10 improved by >= 5. Dosed (0-4): baselines 10..14 → 12, ends 4 9 6 11 8 → 7.6,
    // changes -6 -2 -6 -2 -6 → -4.4, 3 of 5 improved. Under-dosed (5-9): baselines 15..19 → 17, ends 13 10 15 12 17 → 13.4,
    // changes -2 -6 -2 -6 -2 → -3.6, 2 of 5 improved.
    expect(report).toMatchObject({
      instrument: 'phq-9',
      members: 10,
      all: {
        n: 10,
        meanBaseline: 14.5,
        meanFollowUp: 10.5,
        meanChange: -4,
        meaningfulImprovement: { count: 5, share: 0.5 },
      },
      byDose: {
        dosed: {
          n: 5,
          meanBaseline: 12,
          meanFollowUp: 7.6,
          meanChange: -4.4,
          meaningfulImprovement: { count: 3, share: 0.6 },
        },
        underDosed: {
          n: 5,
          meanBaseline: 17,
          meanFollowUp: 13.4,
          meanChange: -3.6,
          meaningfulImprovement: { count: 2, share: 0.4 },
        },
      },
      missing: { baseline: 0, followUp: 0 },
      smallCellThreshold: 5,
    });
    const ci = (report as unknown as { all: { meanChangeCi95: { lower: number; upper: number } } }).all.meanChangeCi95;
    expect(ci.lower).toBeCloseTo(-5.508, 2);
    expect(ci.upper).toBeCloseTo(-2.492, 2);

    const csv = await fetch(`${url}/api/outcomes/cohort-reports?instrument=phq-9&groupId=grp_int_cancer&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const text = await csv.text();
    expect(text).toContain('phq-9,all,10,14.5,10.5,-4,');
    expect(text).toContain('phq-9,members,10,,,,,,,,false,\n');
    expect(text).toContain('phq-9,attended<6,5,17,13.4,-3.6,');

    const trajectory = await (await fetch(`${url}/api/outcomes/members/${members[0]}/trajectory`)).json();
    expect(trajectory).toMatchObject({
      instruments: [
        {
          instrument: 'phq-9',
          baseline: 10,
          latest: 4,
          changeFromBaseline: -6,
          bandTransition: { from: 'moderate', to: 'minimal' },
        },
      ],
    });

    // The consumer kept every cohort event it handled (51 from scheduling, the 20 measures from its own topic), and
    // a rebuild from them while the service runs gives the cohort's tables as the live path wrote them.
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      const cohortTables = async () =>
        Promise.all(
          [
            'SELECT * FROM outcome_measure ORDER BY measure_id',
            'SELECT * FROM member_session_attendance ORDER BY member_id, group_id, session_id',
            'SELECT * FROM cohort_group ORDER BY group_id',
          ].map(async (query) => (await client.query(query)).rows),
        );
      const keptCounts = async () =>
        (
          await client.query<{ topic: string; n: number }>(
            "SELECT topic, count(*)::int AS n FROM kept_message WHERE consumer = 'outcomes' GROUP BY topic ORDER BY topic",
          )
        ).rows;
      await waitFor(async () => (await keptCounts()).reduce((sum, row) => sum + row.n, 0) === 71, {
        timeoutMs: 30_000,
        description: 'outcomes to keep the 51 scheduling events and 20 measures it handled',
      });
      expect(await keptCounts()).toEqual([
        { topic: Topics.outcomes, n: 20 },
        { topic: Topics.scheduling, n: 51 },
      ]);
      const liveTables = await cohortTables();
      const silent = {
        out: { write: () => true } as unknown as NodeJS.WritableStream,
        logger: { info: () => undefined },
      };
      expect(await runCohortRebuild(db.url, silent)).toEqual({ done: 71, total: 71 });
      expect(await cohortTables()).toEqual(liveTables);
    } finally {
      await client.end();
    }
  });

  it('records a correction as a new measure referencing the old one, and the cohort report uses it', async () => {
    const memberId = 'mbr_int_correct_01';
    const baseline = measure({ total: 14, groupId: 'grp_int_correct' });
    await post(`/api/outcomes/members/${memberId}/measures`, baseline);
    const correction = measure({ total: 16, groupId: 'grp_int_correct', reason: 'item 2 transcribed wrongly' });
    const response = await post(
      `/api/outcomes/members/${memberId}/measures/${baseline.measureId}/corrections`,
      correction,
    );
    expect(response.status).toBe(202);
    const unknown = await post(
      `/api/outcomes/members/${memberId}/measures/${randomUUID()}/corrections`,
      measure({ total: 3, reason: 'x' }),
    );
    expect(unknown.status).toBe(404);
    const trajectory = (await (await fetch(`${url}/api/outcomes/members/${memberId}/trajectory`)).json()) as {
      instruments: { measures: { total: number; correctsMeasureId: string }[] }[];
    };
    expect(trajectory.instruments[0]!.measures).toEqual([
      expect.objectContaining({ total: 16, correctsMeasureId: baseline.measureId }),
    ]);
    // A group of one would be withheld (fewer than 5 members): four more members with baseline 10 and end 8, and an end
    // of 10 for the corrected member, make a cell of 5 whose mean baseline tells the two apart: (16 + 40) / 5 = 11.2
    // with the correction, (14 + 40) / 5 = 10.8 without.
    const end = (total: number) =>
      measure({ total, point: 'end', administeredAt: '2026-05-04T10:00:00Z', groupId: 'grp_int_correct' });
    expect((await post(`/api/outcomes/members/${memberId}/measures`, end(10))).status).toBe(202);
    for (const other of ['02', '03', '04', '05']) {
      expect(
        (
          await post(
            `/api/outcomes/members/mbr_int_correct_${other}/measures`,
            measure({ total: 10, groupId: 'grp_int_correct' }),
          )
        ).status,
      ).toBe(202);
      expect((await post(`/api/outcomes/members/mbr_int_correct_${other}/measures`, end(8))).status).toBe(202);
    }
    const report = await waitFor(
      async () => {
        const body = (await (
          await fetch(`${url}/api/outcomes/cohort-reports?instrument=phq-9&groupId=grp_int_correct`)
        ).json()) as { all: { n?: number; meanBaseline?: number } };
        return body.all.n === 5 && body.all.meanBaseline === 11.2 ? body : undefined;
      },
      { timeoutMs: 30_000, description: 'the corrected baseline to replace the original in the cohort projection' },
    );
    expect(report).toMatchObject({ members: 5, all: { meanFollowUp: 8.4 }, missing: { baseline: 0, followUp: 0 } });
  });
  it('turns gateway PHQ-9/GAD-7 totals and PHQ-9 answers into measures; a redelivery changes nothing, a new revision corrects', async () => {
    const memberId = 'mbr_int_gateway_01';
    const phq9 = ObservationRecorded.parse({
      ...gatewayFixtures.ObservationRecorded,
      eventId: randomUUID(),
      subject: memberId,
    });
    const condition = ConditionRecorded.parse({
      ...gatewayFixtures.ConditionRecorded,
      eventId: randomUUID(),
      subject: memberId,
    });
    const send = (...events: { subject: string }[]) =>
      producer!.send({
        topic: Topics.gatewayIngest,
        acks: -1,
        messages: events.map((m) => ({ key: m.subject, value: JSON.stringify(m) })),
      });
    type Trajectory = {
      instruments: {
        instrument: string;
        measures: {
          measureId: string;
          point: string;
          total: number;
          item9: number | null;
          correctsMeasureId: string | null;
        }[];
      }[];
    };
    const trajectory = async () =>
      (await (await fetch(`${url}/api/outcomes/members/${memberId}/trajectory`)).json()) as Trajectory;
    const measuresOf = (t: Trajectory, instrument: string) =>
      t.instruments.find((i) => i.instrument === instrument)?.measures ?? [];

    const started = Date.now();
    await send(condition, phq9);
    const first = await waitFor(
      async () => ((t) => (measuresOf(t, 'phq-9').length === 1 ? t : undefined))(await trajectory()),
      {
        timeoutMs: 30_000,
        description: 'the gateway PHQ-9 total to appear in the trajectory',
      },
    );
    const firstMs = Date.now() - started;
    const measureId = gatewayMeasureId(phq9.payload.resourceId, 1);
    expect(measuresOf(first, 'phq-9')).toEqual([
      expect.objectContaining({ measureId, point: 'baseline', total: 12, item9: null, correctsMeasureId: null }),
    ]);
    expect(first.instruments).toHaveLength(1);

    // The same message again, then a GAD-7 total behind it on the member's partition: once that shows, the redelivery was handled.
    const before = (await storedEvents()).length;
    const gad7 = ObservationRecorded.parse({
      ...phq9,
      eventId: randomUUID(),
      payload: {
        ...phq9.payload,
        resourceId: randomUUID(),
        codes: [{ system: 'http://loinc.org', code: '70274-6' }],
        value: { value: 8 },
      },
    });
    await send(phq9, gad7);
    const second = await waitFor(
      async () => ((t) => (measuresOf(t, 'gad-7').length === 1 ? t : undefined))(await trajectory()),
      {
        timeoutMs: 30_000,
        description: 'the GAD-7 marker behind the redelivery',
      },
    );
    expect(measuresOf(second, 'phq-9')).toEqual(measuresOf(first, 'phq-9'));
    expect(measuresOf(second, 'gad-7')).toEqual([expect.objectContaining({ point: 'baseline', total: 8 })]);
    expect((await storedEvents()).length).toBe(before + 1);

    // Revision 2 of the same Observation corrects the measure; a PHQ-9 QuestionnaireResponse later is a full follow-up with item 9.
    const revised = ObservationRecorded.parse({
      ...phq9,
      eventId: randomUUID(),
      payload: { ...phq9.payload, revision: 2, value: { value: 15 } },
    });
    const code = (c: string) => ({ system: 'http://loinc.org', code: c });
    const answered = QuestionnaireAnswered.parse({
      ...gatewayFixtures.QuestionnaireAnswered,
      eventId: randomUUID(),
      subject: memberId,
      payload: {
        ...gatewayFixtures.QuestionnaireAnswered.payload,
        authored: '2026-04-06T09:00:00Z',
        answers: [
          { linkId: 'LittleInterest', value: code('LA6569-3') },
          { linkId: 'FeelingDown', value: code('LA6570-1') },
          { linkId: 'TroubleSleeping', value: 1 },
          { linkId: 'FeelingTired', value: 1 },
          { linkId: 'BadAppetite', value: code('LA6568-5') },
          { linkId: 'FeelingBadAboutSelf', value: 1 },
          { linkId: 'TroubleConcentrating', value: 1 },
          { linkId: 'MovingSpeaking', value: 0 },
          { linkId: 'ThoughtsOfSelfHarm', value: code('LA6569-3') },
        ],
      },
    });
    const ideationBefore = (await storedEvents()).filter((e) => e.type === 'SuicidalIdeationReported').length;
    await send(revised, answered);
    const third = await waitFor(
      async () => ((t) => (measuresOf(t, 'phq-9').length === 2 ? t : undefined))(await trajectory()),
      {
        timeoutMs: 30_000,
        description: 'the correction and the questionnaire follow-up',
      },
    );
    expect(measuresOf(third, 'phq-9')).toEqual([
      expect.objectContaining({
        measureId: gatewayMeasureId(phq9.payload.resourceId, 2),
        point: 'baseline',
        total: 15,
        correctsMeasureId: measureId,
      }),
      expect.objectContaining({
        measureId: gatewayMeasureId(answered.payload.resourceId, 1),
        point: 'follow-up',
        total: 8,
        item9: 1,
      }),
    ]);
    expect((await storedEvents()).filter((e) => e.type === 'SuicidalIdeationReported').length).toBe(ideationBefore + 1);
    // eslint-disable-next-line no-console
    console.info(`gateway ingest: first PHQ-9 visible after ${firstMs} ms`);
  });
});
