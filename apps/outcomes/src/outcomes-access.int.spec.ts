import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { fixtures, Topics } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import {
  bearerRequests,
  bootstrapService,
  connectKafkaConsumer,
  MATRIX_CALLERS,
  matrixAnswers,
  MATRIX_PEOPLE,
  matrixTokens,
  startLocalTokenIssuer,
  type LocalTokenIssuer,
  type MatrixCaller,
  type MatrixRoute,
} from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { AppModule } from './app.module';

jest.setTimeout(180_000);

const AUDIENCE = 'carecircle-outcomes';
const OWN = 'mbr_acc_own_01';
const OTHER = 'mbr_acc_other_01';
const GROUP = 'grp_acc_own';
const OTHER_GROUP = 'grp_acc_other';

type Who = MatrixCaller;
const PEOPLE = MATRIX_PEOPLE;
const EVERYONE = MATRIX_CALLERS;

/**
 * Outcomes decides access itself (HTTP, real PostgreSQL, the Kafka mock): tokens for its audience from a
 * trusted issuer, relationships projected from the real integration events on the bus, and a matrix of
 * callers × routes × own/other member. Access ends when the care team ends or the member leaves the group.
 */
describe('outcomes: who may do what, decided in the service', () => {
  const saved = { ...process.env };
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let issuer: LocalTokenIssuer;
  let app: INestApplication | undefined;
  let producer: Producer | undefined;
  let url: string;
  const baselineOf: Record<string, string> = {};

  const token = matrixTokens(() => issuer, AUDIENCE);
  const send = bearerRequests(() => url);
  const measure = (overrides: object = {}) => ({
    measureId: randomUUID(),
    instrument: 'phq-9',
    point: 'mid-course',
    total: 12,
    item9: 0,
    administeredAt: '2026-03-16T10:00:00Z',
    administeredBy: 'clin_acc_team_01',
    ...overrides,
  });
  const publish = async (topic: string, events: { subject: string }[]) => {
    await producer!.send({
      topic,
      acks: -1,
      messages: events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
    });
  };
  const trajectoryStatus = async (who: Who, member: string) =>
    (await send('GET', `/api/outcomes/members/${member}/trajectory`, await token(who, 'system/Observation.rs'))).status;

  const memberOf = (side: 'own' | 'other') => (side === 'own' ? OWN : OTHER);
  const member: MatrixRoute[] = [
    {
      name: 'POST measures',
      scope: 'system/Observation.c',
      allowed: ['careTeam', 'facilitator', 'rightScope'],
      status: 202,
      call: (side, t) => send('POST', `/api/outcomes/members/${memberOf(side)}/measures`, t, measure()),
    },
    {
      name: 'POST corrections',
      scope: 'system/Observation.u',
      allowed: ['careTeam', 'rightScope'],
      status: 202,
      call: async (side, t) => {
        const m = memberOf(side);
        // A measure of its own to correct each time (a corrected measure cannot be corrected again: 409).
        const wrong = measure({ point: 'follow-up', total: 11, administeredAt: '2026-06-01T10:00:00Z' });
        expect(
          (
            await send(
              'POST',
              `/api/outcomes/members/${m}/measures`,
              await token('rightScope', 'system/Observation.c'),
              wrong,
            )
          ).status,
        ).toBe(202);
        return send(
          'POST',
          `/api/outcomes/members/${m}/measures/${wrong.measureId}/corrections`,
          t,
          measure({ point: 'follow-up', total: 12, reason: 'item 2 transcribed wrongly' }),
        );
      },
    },
    {
      name: 'GET trajectory',
      scope: 'system/Observation.r',
      allowed: ['careTeam', 'facilitator', 'rightScope'],
      status: 200,
      call: (side, t) => send('GET', `/api/outcomes/members/${memberOf(side)}/trajectory`, t),
    },
  ];
  const cohort: MatrixRoute = {
    name: 'GET cohort-reports',
    scope: 'system/MeasureReport.r',
    allowed: ['lead', 'rightScope'],
    status: 200,
    call: (_m, t) => send('GET', '/api/outcomes/cohort-reports?instrument=phq-9', t),
  };

  beforeAll(async () => {
    [kafka, db, issuer] = await Promise.all([
      startKafka(),
      createTestDatabase('outcomes_access'),
      startLocalTokenIssuer(),
    ]);
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
      AUTH_TRUSTED_ISSUERS: JSON.stringify([{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }]),
      AUTH_REQUIRED: 'true',
    });
    app = await bootstrapService({
      name: 'outcomes',
      rootModule: AppModule,
      port: 0,
      configure: (nest) => {
        connectKafkaConsumer(nest, 'outcomes');
      },
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    producer = createProducer(createKafka({ clientId: 'outcomes-access-int', brokers: kafka.brokers }));
    await producer.connect();

    // The relationships, as scheduling, enrollment and clinician-liaison publish them.
    const formed = (groupId: string, facilitatorId: string) => ({
      ...fixtures.GroupFormed,
      eventId: randomUUID(),
      subject: groupId,
      payload: { ...fixtures.GroupFormed.payload, groupId, facilitatorIds: [facilitatorId] },
    });
    const enrolled = (memberId: string, groupId: string) => ({
      ...fixtures.MemberEnrolled,
      eventId: randomUUID(),
      subject: memberId,
      payload: { ...fixtures.MemberEnrolled.payload, groupId },
    });
    const assigned = (memberId: string, clinicianId: string) => ({
      ...fixtures.CareTeamMemberAssigned,
      eventId: randomUUID(),
      subject: memberId,
      payload: { ...fixtures.CareTeamMemberAssigned.payload, clinicianId, activeUntil: null },
    });
    await publish(Topics.scheduling, [
      formed(GROUP, PEOPLE.facilitator[0]),
      formed(OTHER_GROUP, PEOPLE.otherFacilitator[0]),
    ]);
    await publish(Topics.enrollment, [enrolled(OWN, GROUP), enrolled(OTHER, OTHER_GROUP)]);
    await publish(Topics.clinicianLiaison, [
      assigned(OWN, PEOPLE.careTeam[0]),
      assigned(OTHER, PEOPLE.otherClinician[0]),
    ]);
    await waitFor(
      async () =>
        (
          await Promise.all([
            trajectoryStatus('careTeam', OWN),
            trajectoryStatus('facilitator', OWN),
            trajectoryStatus('otherClinician', OTHER),
            trajectoryStatus('otherFacilitator', OTHER),
          ])
        ).every((status) => status === 200),
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        description: 'the relationship projector to grant the care teams and facilitators from the bus',
      },
    );

    // Baseline and end for both members, by an integration client (which needs no relationship).
    const client = await token('rightScope', 'system/Observation.c');
    for (const memberId of [OWN, OTHER]) {
      const baseline = measure({
        point: 'baseline',
        total: 16,
        administeredAt: '2026-03-02T10:00:00Z',
        groupId: GROUP,
      });
      baselineOf[memberId] = baseline.measureId;
      expect((await send('POST', `/api/outcomes/members/${memberId}/measures`, client, baseline)).status).toBe(202);
      expect(
        (
          await send(
            'POST',
            `/api/outcomes/members/${memberId}/measures`,
            client,
            measure({ point: 'end', total: 8, administeredAt: '2026-05-04T10:00:00Z', groupId: GROUP }),
          )
        ).status,
      ).toBe(202);
    }
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await Promise.all([db?.drop(), issuer?.stop()]);
    await kafka?.stop();
  });

  it('answers each caller on each member route as the policy says: own member, other member', async () => {
    const { expected, actual } = await matrixAnswers(member, token);
    expect(actual).toEqual(expected);
  });

  it('answers the cohort report to the programme lead and MeasureReport clients only, in aggregate, small cells suppressed', async () => {
    const actual: string[] = [];
    for (const who of EVERYONE)
      actual.push(`${who}: ${(await cohort.call('own', await token(who, cohort.scope))).status}`);
    expect(actual).toEqual(EVERYONE.map((who) => `${who}: ${cohort.allowed.includes(who) ? 200 : 403}`));

    const lead = await token('lead', cohort.scope);
    // The report withholds a count of 2 members, so the wait reads the cohort projection's rows instead.
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    try {
      await waitFor(
        async () =>
          Number(
            (
              await sql.query<{ n: string }>(
                "SELECT count(*) AS n FROM outcome_measure WHERE member_id = ANY($1) AND point IN ('baseline', 'end')",
                [[OWN, OTHER]],
              )
            ).rows[0]!.n,
          ) === 4,
        { timeoutMs: 30_000, description: "the cohort projection to hold both members' baseline and end" },
      );
    } finally {
      await sql.end();
    }
    const report = await (await cohort.call('own', lead)).json();
    // Two members with baseline and end: under OUTCOMES_SMALL_CELL_THRESHOLD (5), so no figures and no count at all.
    const tooSmall = { suppressed: true, cause: 'small-cell', reason: 'fewer than 5 members' };
    expect(report).toMatchObject({
      members: tooSmall,
      all: tooSmall,
      byDose: { dosed: { n: 0 }, underDosed: tooSmall },
      missing: { baseline: 0, followUp: 0 },
      smallCellThreshold: 5,
    });
    expect(JSON.stringify(report)).not.toMatch(/"n":[1-4]\b/);
    expect(JSON.stringify(report)).not.toMatch(/"members":\d/);
    expect(JSON.stringify(report)).not.toMatch(/mbr_|clin_|fac_/);
  });

  it('shows an allowed reader only the member asked about', async () => {
    for (const who of ['careTeam', 'facilitator'] as const) {
      const response = await send('GET', `/api/outcomes/members/${OWN}/trajectory`, await token(who, ''));
      const body = JSON.stringify(await response.json());
      expect(response.status).toBe(200);
      expect(body).toContain(baselineOf[OWN]);
      expect(body).not.toContain(OTHER);
      expect(body).not.toContain(baselineOf[OTHER]);
    }
  });

  it('refuses an expired token and a token for another service with 401', async () => {
    const expired = await send(
      'GET',
      `/api/outcomes/members/${OWN}/trajectory`,
      await token('careTeam', '', { expiresIn: -60 }),
    );
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ message: 'The bearer token has expired' });
    for (const audience of ['carecircle-scheduling', 'carecircle-gateway']) {
      const response = await send(
        'GET',
        `/api/outcomes/members/${OWN}/trajectory`,
        await token('careTeam', '', { audience }),
      );
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'The bearer token is not meant for this service' });
    }
  });

  it('audits allowed reads with the member, and refusals in aggregate', async () => {
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    try {
      const allowed = await sql.query(
        `SELECT 1 FROM access.audit_record WHERE agent = 'clin_acc_team_01' AND outcome = 'allowed' AND member_ids = $1 AND route LIKE 'GET %trajectory'`,
        [[OWN]],
      );
      expect(allowed.rowCount).toBeGreaterThan(0);
      const denied = await sql.query<{ count: number }>(
        `SELECT count FROM access.audit_record WHERE agent = 'adm_acc_01' AND outcome = 'denied'`,
      );
      expect(denied.rows.reduce((total, row) => total + row.count, 0)).toBeGreaterThan(0);
    } finally {
      await sql.end();
    }
  });

  it('ends access when the care team ends and when the member leaves their only group', async () => {
    expect(await trajectoryStatus('careTeam', OWN)).toBe(200);
    expect(await trajectoryStatus('facilitator', OWN)).toBe(200);
    const ended = {
      ...fixtures.CareTeamMemberEnded,
      eventId: randomUUID(),
      subject: OWN,
      payload: {
        ...fixtures.CareTeamMemberEnded.payload,
        clinicianId: PEOPLE.careTeam[0],
        endedAt: new Date().toISOString(),
      },
    };
    await publish(Topics.clinicianLiaison, [ended]);
    await waitFor(async () => (await trajectoryStatus('careTeam', OWN)) === 403, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'CareTeamMemberEnded to end the clinician’s access',
    });
    expect(await trajectoryStatus('facilitator', OWN)).toBe(200);

    const withdrew = {
      ...fixtures.MemberWithdrew,
      eventId: randomUUID(),
      subject: OWN,
      payload: { ...fixtures.MemberWithdrew.payload, groupId: GROUP, withdrewAt: new Date().toISOString() },
    };
    await publish(Topics.enrollment, [withdrew]);
    await waitFor(async () => (await trajectoryStatus('facilitator', OWN)) === 403, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'MemberWithdrew to end the facilitator’s access',
    });
    // The other member's relationships are untouched.
    expect(await trajectoryStatus('otherClinician', OTHER)).toBe(200);
    expect(await trajectoryStatus('otherFacilitator', OTHER)).toBe(200);
  });
});
