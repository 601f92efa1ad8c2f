import { randomUUID } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { Pool } from 'pg';
import { fixtures } from '@carecircle/contracts';
import {
  gatewayMigrations,
  latestTimelineChange,
  medicationSharingOf,
  projectTimelineEvent,
  readTimeline,
  readTimelineChanges,
} from '@carecircle/gateway/read-models';
import { eventStoreMigrations, runMigrations, sqlOfPool } from '@carecircle/platform/event-store';
import { assertEveryTopicHasHandler, Inbox, messagingMigrations } from '@carecircle/platform/messaging';
import { connectKafkaConsumer } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { DataSource } from 'typeorm';
import { IdentityVault } from '@carecircle/gateway/application';
import { AppModule } from '../app.module';
import { SEEDED, seedMemberAccess } from '../auth/testing/seed-member-access';
import { readGatewayConfig } from '../gateway.config';
import { recordStaffName } from '../staff-directory/staff-directory';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';
import { timelineSnapshot } from '../testing/timeline-snapshot';
import { runTimelineRebuild } from './rebuild-timeline';
import { TIMELINE_SUBSCRIPTIONS } from './timeline-events.kafka.controller';

const MEMBER = 'mbr_synthetic_0001';
const ORDER = [
  'GroupFormed',
  'ReferralReceived',
  'ScreeningCompleted',
  'ConsentRecorded',
  'MemberEnrolled',
  'SessionScheduled',
  'AttendanceRecorded',
  'DoseReached',
  'TherapeuticContactBooked',
  'TherapeuticLoadChanged',
  'MedicationChanged',
  'CoordinationAlertRaised',
  'AlertAcknowledged',
  'AlertEscalated',
  'AlertResolved',
  'TreatmentPlanUpdated',
  'MedicationSharingWithFacilitatorChanged',
  'MeasureRecorded',
  'DeteriorationDetected',
  'SuicidalIdeationReported',
] as const;

describe('care timeline read model (PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('gateway_timeline');
    await runMigrations(db.url, [...eventStoreMigrations, ...messagingMigrations, ...gatewayMigrations]);
    pool = new Pool({ connectionString: db.url, max: 4 });
    dataSource = await new DataSource({ type: 'postgres', url: db.url }).initialize();
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await pool?.end();
    await db?.drop();
  });

  const snapshot = () => timelineSnapshot(pool);

  it('projects each event exactly once through the inbox, and a rebuild from the kept events equals the live timeline', async () => {
    const inbox = new Inbox(dataSource);
    const events = ORDER.map((type) => fixtures[type]);
    for (const event of events)
      expect(
        await inbox.handleOnce('gateway', event.eventId, (tx) =>
          projectTimelineEvent((text, params) => tx.query(text, params ? [...params] : []), event),
        ),
      ).toBe('processed');
    // Redelivery changes nothing.
    expect(await inbox.handleOnce('gateway', fixtures.AlertAcknowledged.eventId, async () => undefined)).toBe(
      'duplicate',
    );

    const live = await snapshot();
    // The fixtures fill every derived table, so the comparison below covers each of them.
    expect([live.entries, live.facilitators, live.groupMembers, live.sharing].map((rows) => rows.length > 0)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    const page = await readTimeline(sqlOfPool(pool), MEMBER, { limit: 100 });
    expect(page.entries.map((entry) => entry.type)).toEqual(
      expect.arrayContaining([
        'MemberEnrolled',
        'SessionScheduled',
        'MedicationChanged',
        'CoordinationAlertRaised',
        'MeasureRecorded',
      ]),
    );
    const raised = page.entries.find((entry) => entry.type === 'CoordinationAlertRaised');
    expect(raised?.alert?.status).toBe('resolved');
    expect(raised?.alert?.steps.map((step) => step.state)).toEqual(['raised', 'overridden', 'escalated', 'resolved']);
    // The member consented (the fixture): facilitators may see treatment details.
    expect(await medicationSharingOf(sqlOfPool(pool), MEMBER)).toBe(true);
    expect(page.entries.find((entry) => entry.type === 'MedicationSharingWithFacilitatorChanged')).toMatchObject({
      kind: 'consent',
      title: 'Medication details shared with facilitators',
    });

    const lines: string[] = [];
    const result = await runTimelineRebuild(db.url, {
      out: { write: (chunk: string) => lines.push(chunk) } as unknown as NodeJS.WritableStream,
      logger: { info: () => undefined },
    });
    expect(result).toEqual({ done: events.length, total: events.length });
    expect(lines.join('')).toContain('100%');
    expect(await snapshot()).toEqual(live);
  });

  it('pages with a cursor and filters by kind and time', async () => {
    const sql = sqlOfPool(pool);
    const all = await readTimeline(sql, MEMBER, { limit: 100 });
    const pages = [];
    let cursor: string | undefined;
    do {
      const page = await readTimeline(sql, MEMBER, { limit: 3, ...(cursor ? { cursor } : {}) });
      pages.push(...page.entries);
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.entries);
    const alerts = await readTimeline(sql, MEMBER, { limit: 100, kinds: ['alert'] });
    expect(new Set(alerts.entries.map((entry) => entry.kind))).toEqual(new Set(['alert']));
    const late = await readTimeline(sql, MEMBER, { limit: 100, from: '2026-04-01T00:00:00Z' });
    expect(late.entries.every((entry) => entry.at >= '2026-04-01')).toBe(true);
    // The fixture alert is the psychiatrist's copy: a facilitator's timeline leaves it out, the care team's keeps it.
    expect(alerts.entries.map((entry) => entry.details['recipientRole'])).toContain('attending-psychiatrist');
    const facilitatorCopies = await readTimeline(sql, MEMBER, {
      limit: 100,
      kinds: ['alert'],
      alertRecipientRoles: ['facilitator'],
    });
    expect(facilitatorCopies.entries).toEqual([]);
  });

  it("numbers one member's changes in commit order: a live reader polling between two writers' commits skips nothing", async () => {
    const member = 'mbr_synthetic_race_01';
    const [first, second] = [0, 1].map(() => ({
      ...(JSON.parse(
        JSON.stringify(fixtures.MeasureRecorded).split(MEMBER).join(member),
      ) as typeof fixtures.MeasureRecorded),
      eventId: randomUUID(),
    }));
    const reader = sqlOfPool(pool);
    const seen: string[] = [];
    let last = await latestTimelineChange(reader, member);
    const poll = async () => {
      const changes = await readTimelineChanges(reader, member, last);
      seen.push(...changes.entries.map((entry) => entry.sourceEventId));
      last = changes.lastChange;
    };
    const [a, b] = [await pool.connect(), await pool.connect()];
    try {
      const [{ pid }] = (await b.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
      await a.query('BEGIN');
      await b.query('BEGIN');
      await projectTimelineEvent(sqlOfPool(a), first); // draws the lower change number, does not commit yet
      let secondApplied = false;
      const applying = projectTimelineEvent(sqlOfPool(b), second).then(() => void (secondApplied = true));
      const waitsForLock = async () =>
        (
          await pool.query<{ wait: string | null }>(
            'SELECT wait_event_type AS wait FROM pg_stat_activity WHERE pid = $1',
            [pid],
          )
        ).rows[0]?.wait === 'Lock';
      await waitFor(async () => secondApplied || (await waitsForLock()), {
        timeoutMs: 10_000,
        description: 'the second writer to finish or to wait for the first',
      });
      // Had the second writer drawn its (higher) number without waiting, it commits first here.
      const secondCommitsFirst = secondApplied;
      if (secondCommitsFirst) await b.query('COMMIT');
      await poll();
      await a.query('COMMIT');
      await poll();
      await applying;
      if (!secondCommitsFirst) await b.query('COMMIT');
      await poll();
      expect(seen).toEqual([first.eventId, second.eventId]);
    } finally {
      for (const client of [a, b]) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    }
  });
});

describe('gateway subscriptions', () => {
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let app: INestApplication | undefined;
  const saved = { ...process.env };

  beforeAll(async () => {
    kafka = await startKafka();
    db = await createTestDatabase('gateway_subscriptions');
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
    });
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  it('has exactly one handler for each topic the timeline consumes', async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    const server = connectKafkaConsumer(app, 'gateway');
    await app.init();
    expect(() => assertEveryTopicHasHandler(server, [...TIMELINE_SUBSCRIPTIONS])).not.toThrow();
  }, 60_000);
});

/**
 * Issue 17, a readable timeline: the care team reads the drug, its daily dose and who prescribed it by
 * name; a facilitator the class only, unless the member shares treatment details. Real PostgreSQL and HTTP.
 */
describe('care timeline over HTTP: medication detail for the readers allowed it', () => {
  const PRESCRIBER = 'clin_synthetic_prescriber_07';
  const PRESCRIBER_NAME = 'Dr Ada Example';
  /** A dose no date, id or count in the fixtures contains, so finding it anywhere in an answer means it leaked. */
  const DOSE = 137.5;
  const started = {
    ...fixtures.MedicationChanged,
    eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f77',
    payload: {
      ...fixtures.MedicationChanged.payload,
      medicationId: 'med_synthetic_77',
      prescriberId: PRESCRIBER,
      dailyDose: DOSE,
      doseUnit: 'mg/day' as const,
    },
  };
  let gateway: GatewayHarness | undefined;
  let pool: Pool | undefined;
  let base = '';

  beforeAll(async () => {
    gateway = await startGatewayHarness({
      database: 'gateway_timeline_http',
      clients: [],
      env: { GATEWAY_DEV_IDP: 'true' },
    });
    base = gateway.base;
    // The facilitator leads the member's group; the demo psychiatrist is on the care team and prescribed the fixture.
    await seedMemberAccess(gateway.db.url);
    pool = new Pool({ connectionString: gateway.db.url, max: 2 });
    const sql = sqlOfPool(pool);
    await recordStaffName(
      { sql, vault: new IdentityVault(readGatewayConfig().identityKey) },
      PRESCRIBER,
      PRESCRIBER_NAME,
    );
    await projectTimelineEvent(sql, started);
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await gateway?.stop();
  }, 30_000);

  const tokenOf = async (username: 'clinician' | 'facilitator') => {
    const signIn = await fetch(`${base}/dev-idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    return ((await signIn.json()) as { access_token: string }).access_token;
  };
  const timelineOf = async (username: 'clinician' | 'facilitator') => {
    const response = await fetch(`${base}/api/members/${SEEDED.member}/timeline`, {
      headers: { authorization: `Bearer ${await tokenOf(username)}` },
    });
    expect(response.status).toBe(200);
    const text = await response.text();
    const body = JSON.parse(text) as { entries: { id: string; sentence: string; redacted: boolean }[] };
    const sentence = (eventId: string) => body.entries.find((entry) => entry.id === eventId)?.sentence;
    return { text, sentence };
  };

  it('tells the care team the drug, the daily dose and the prescriber by name (the directory’s, or the id)', async () => {
    const { sentence } = await timelineOf('clinician');
    expect(sentence(started.eventId)).toBe(
      `Sertraline, antidepressant (SSRI), ${DOSE} mg/day, started by ${PRESCRIBER_NAME}`,
    );
    // The fixture's prescriber is the demo psychiatrist, named in the directory by the development sign-in.
    expect(sentence(fixtures.MedicationChanged.eventId)).toBe(
      'Sertraline, antidepressant (SSRI), 50 mg/day, started by Dr. Ines Brandt',
    );
  });

  it('tells a facilitator the class only: the answer holds no drug name, dose or prescriber', async () => {
    const { text, sentence } = await timelineOf('facilitator');
    expect(sentence(started.eventId)).toBe('Antidepressant (SSRI) started');
    expect(text).not.toMatch(/sertraline|36437|137\.5|mg\/day|dailyDose|doseUnit|prescriber|Ada Example|Ines Brandt/i);
  });

  it('keeps names out of the audit trail of those reads', async () => {
    const audit = await pool!.query(`SELECT * FROM gateway.audit_event`);
    expect(audit.rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(audit.rows)).not.toMatch(/Ada Example|Ines Brandt|sertraline/i);
  });

  it('follows the same rules on the live stream', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/api/members/${SEEDED.member}/timeline/stream`, {
      headers: { authorization: `Bearer ${await tokenOf('clinician')}` },
      signal: controller.signal,
    });
    const changed = {
      ...started,
      eventId: '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f78',
      payload: { ...started.payload, change: 'dose-changed' as const, dailyDose: 275 },
    };
    try {
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      expect((await reader.read()).value).toContain(': ready'); // subscribed: what is projected now is new
      await projectTimelineEvent(sqlOfPool(pool!), changed);
      // Bounded: the stream is aborted after 10 s, which ends the read loop with a clear failure.
      const deadline = setTimeout(() => controller.abort(), 10_000);
      let received = '';
      while (!received.includes(changed.eventId)) {
        const chunk = await reader.read().catch(() => ({ done: true as const, value: undefined }));
        if (chunk.done) throw new Error('the dose change did not reach the clinician’s live stream within 10 s');
        received += chunk.value;
      }
      clearTimeout(deadline);
      expect(received).toContain(`Sertraline, antidepressant (SSRI), dose changed to 275 mg/day by ${PRESCRIBER_NAME}`);
    } finally {
      controller.abort();
    }
  });

  it('tells a facilitator the detail once the member shares treatment details with facilitators', async () => {
    await projectTimelineEvent(sqlOfPool(pool!), fixtures.MedicationSharingWithFacilitatorChanged);
    const { sentence } = await timelineOf('facilitator');
    expect(sentence(started.eventId)).toBe(
      `Sertraline, antidepressant (SSRI), ${DOSE} mg/day, started by ${PRESCRIBER_NAME}`,
    );
  });
});
