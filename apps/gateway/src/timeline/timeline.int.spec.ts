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
  sqlOfPool,
} from '@carecircle/gateway/read-models';
import { eventStoreMigrations, runMigrations } from '@carecircle/platform/event-store';
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
import { AppModule } from '../app.module';
import { timelineSnapshot } from '../testing/timeline-snapshot';
import { progressBar, runTimelineRebuild } from './rebuild-timeline';
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

  it('draws a progress bar', () => {
    expect(progressBar({ done: 5, total: 10 })).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}]  50% 5/10 events`);
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
