import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Producer } from 'kafkajs';
import { DataSource } from 'typeorm';
import { fixtures, Topics, type IntegrationEvent } from '@carecircle/contracts';
import { EVENT_STORE, bootstrapService, connectKafkaConsumer } from '@carecircle/platform/service-kit';
import type { EventStore } from '@carecircle/platform/event-store';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import {
  createTestDatabase,
  startEmbeddedPostgres,
  startKafka,
  waitFor,
  type EmbeddedPostgres,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { reassessLoadAfterRosterChange, type SchedulingDeps } from '@carecircle/scheduling/application';
import { memberLoadStreamId } from '@carecircle/scheduling/domain';
import { countPendingLoadReassessments, findPendingLoadReassessments } from '@carecircle/scheduling/read-models';
import { AppModule } from '../app.module';
import { SCHEDULING_DEPS } from '../scheduling.deps';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const MINUTE = 60_000;
const MARKER_GROUP = 'grp_int_marker';
const iso = (t: number) => new Date(t).toISOString();

/**
 * The load reassessment a roster change owes, on real PostgreSQL and a Kafka-protocol broker: it is
 * recorded with the roster change in the inbox's transaction and done after commit by the processor.
 * A redelivered enrolment, a crash after recording and a crash after the append but before the work
 * is marked done each leave exactly one detection; a withdrawal resolves what no longer holds. The
 * same on embedded PGlite, whose one session would deadlock on a second connection inside a transaction.
 */
describe('load reassessment after enrolment and withdrawal (outbox-style, crash-safe)', () => {
  let kafka: KafkaCluster;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  const published = new Map<string, IntegrationEvent>();
  const saved = { ...process.env };

  beforeAll(async () => {
    kafka = await startKafka();
    Object.assign(process.env, {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'error',
    });
    const client = createKafka({ clientId: 'scheduling-reassess-int', brokers: kafka.brokers });
    producer = createProducer(client);
    await producer.connect();
    consumer = client.consumer({ groupId: `scheduling-reassess-int-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.scheduling, fromBeginning: true });
    // Keyed by event id: a relay that publishes twice shows once here, as consumers' inboxes see it.
    await consumer.run({
      eachMessage: async ({ message }) => {
        const event = JSON.parse(String(message.value)) as IntegrationEvent;
        published.set(event.eventId, event);
      },
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    process.env = saved;
    await kafka?.stop();
  });

  /** Scheduling in-process on one database, with a member who books contacts, joins `groupId` and leaves it. */
  function harness(memberId: string, groupId: string) {
    let app: INestApplication | undefined;
    let url = '';
    const json = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    };
    const send = (event: object) =>
      producer!.send({ topic: Topics.enrollment, messages: [{ key: memberId, value: JSON.stringify(event) }] });
    const h = {
      json,
      send,
      app: () => app!,
      /** `pollMs` 0 leaves owed reassessments undone (the processor is off). */
      async start(pollMs: number, env: Record<string, string>) {
        Object.assign(process.env, env, { SCHEDULING_REASSESS_POLL_MS: String(pollMs) });
        app = await bootstrapService({
          name: 'scheduling',
          rootModule: AppModule,
          port: 0,
          configure: (a) => void connectKafkaConsumer(a, 'scheduling'),
        });
        url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
      },
      stop: async () => app?.close(),
      pending: () => countPendingLoadReassessments(app!.get(DataSource).manager),
      owed: async () =>
        (await findPendingLoadReassessments(app!.get(DataSource).manager, 10)).filter((w) => w.memberId === memberId),
      stored: async (type: string) =>
        (await app!.get<EventStore>(EVENT_STORE).readStream(memberLoadStreamId(memberId))).filter(
          (e) => e.type === type,
        ).length,
      published: (type: string) => [...published.values()].filter((e) => e.type === type && e.subject === memberId),
      enrolled: {
        ...fixtures.MemberEnrolled,
        eventId: randomUUID(),
        subject: memberId,
        payload: { ...fixtures.MemberEnrolled.payload, groupId, enrolledAt: iso(Date.now()) },
      },
      withdrew: () => ({
        ...fixtures.MemberWithdrew,
        eventId: randomUUID(),
        subject: memberId,
        payload: { ...fixtures.MemberWithdrew.payload, groupId, withdrewAt: iso(Date.now()) },
      }),
      /**
       * Another member's enrolment on the member's partition (same key) in a group scheduling has no
       * sessions for: once it is on the roster, every message sent before it was handled.
       */
      async drainPartition() {
        const marker = `mbr_int_marker_${randomUUID().slice(0, 8)}`;
        await send({
          ...fixtures.MemberEnrolled,
          eventId: randomUUID(),
          subject: marker,
          payload: { ...fixtures.MemberEnrolled.payload, groupId: MARKER_GROUP, enrolledAt: iso(Date.now()) },
        });
        await waitFor(
          async () =>
            (
              (await json('GET', `/api/scheduling/groups/${MARKER_GROUP}/roster`)).body['members'] as {
                memberId: string;
              }[]
            ).some((m) => m.memberId === marker),
          {
            timeoutMs: 30_000,
            description: `the marker ${marker} behind ${memberId}'s messages on the roster`,
          },
        );
      },
      /** A weekly course from next week; three contacts in the week of session 2, one overlapping it. Returns session 2's start. */
      async formGroupAndBook(): Promise<number> {
        const firstSessionAt = iso(Math.ceil((Date.now() + 7 * DAY) / 3_600_000) * 3_600_000);
        const group = {
          groupId,
          groupType: 'general-emotional-support',
          seats: 8,
          openness: 'open',
          modality: 'online',
          videoLink: 'https://video.example.test/reassess',
          facilitatorIds: ['fac_int_reassess'],
          ageBand: { min: 18, max: 99 },
          cadence: 'weekly',
          sessionMinutes: 90,
          courseWeeks: 8,
          firstSessionAt,
          timeZone: 'Europe/Berlin',
        };
        expect((await json('POST', '/api/scheduling/groups', group)).status).toBe(202);
        const s2 = Date.parse(firstSessionAt) + 7 * DAY;
        const contacts = [
          { contactId: 'tc_reassess_cbt', kind: 'cbt', start: iso(s2 + 30 * MINUTE), end: iso(s2 + 80 * MINUTE) },
          { contactId: 'tc_reassess_psy', kind: 'psychiatry', start: iso(s2 + DAY), end: iso(s2 + DAY + 30 * MINUTE) },
          {
            contactId: 'tc_reassess_pal',
            kind: 'palliative',
            start: iso(s2 + 2 * DAY),
            end: iso(s2 + 2 * DAY + 50 * MINUTE),
          },
        ];
        for (const contact of contacts)
          expect((await json('POST', `/api/scheduling/members/${memberId}/contacts`, contact)).status).toBe(202);
        return s2;
      },
      week: async (s2: number) =>
        (await json('GET', `/api/scheduling/members/${memberId}/week?from=${iso(s2 - MINUTE)}`)).body['load'],
    };
    return h;
  }

  describe('on a PostgreSQL server', () => {
    const member = 'mbr_int_reassess_01';
    const group = 'grp_int_reassess';
    const h = harness(member, group);
    let db: TestDatabase;
    let s2 = 0;

    beforeAll(async () => {
      db = await createTestDatabase('scheduling_reassess');
      await h.start(0, { DATABASE_URL: db.url });
    });

    afterAll(async () => {
      await h.stop();
      await db?.drop();
    });

    it('forms a group; the member has three contacts in the week of session 2, one overlapping it: within the cap', async () => {
      s2 = await h.formGroupAndBook();
      expect(await h.week(s2)).toMatchObject({ contacts: 3, overCap: false });
    });

    it('records the enrolment and the reassessment it owes once, however often it is delivered, and appends nothing before it is done', async () => {
      for (let delivery = 0; delivery < 3; delivery++) await h.send(h.enrolled);
      await h.drainPartition();
      expect(await h.owed()).toEqual([
        expect.objectContaining({
          memberId: member,
          groupId: group,
          cause: 'enrolled',
          causeEventId: h.enrolled.eventId,
        }),
      ]);
      // The processor is off: the roster knows the member, their load stream has not been touched since the bookings.
      expect(
        ((await h.json('GET', `/api/scheduling/groups/${group}/roster`)).body['members'] as { memberId: string }[]).map(
          (m) => m.memberId,
        ),
      ).toEqual([member]);
      expect(await h.stored('SchedulingConflictDetected')).toBe(0);
      expect(await h.stored('TherapeuticLoadChanged')).toBe(3);
    });

    it('detects the overload and the clash exactly once across a crash after the append and a restart', async () => {
      // The processor's work for the member, done up to the append; it "crashes" before marking it done.
      const [owed] = await h.owed();
      const appended = await reassessLoadAfterRosterChange(h.app().get<SchedulingDeps>(SCHEDULING_DEPS))(owed!, {
        correlationId: owed!.correlationId,
        causationId: owed!.causeEventId,
      });
      expect(appended.map((e) => e.type)).toEqual(['TherapeuticLoadChanged', 'SchedulingConflictDetected']);
      expect(await h.owed()).toHaveLength(1);

      await h.stop();
      await h.start(100, { DATABASE_URL: db.url });
      await waitFor(async () => (await h.pending()) === 0, {
        timeoutMs: 15_000,
        description: 'the restarted processor to do every owed reassessment',
      });
      // The same enrolment once more after the restart: a duplicate for the inbox, nothing owed.
      await h.send(h.enrolled);
      await h.drainPartition();
      await waitFor(async () => (await h.pending()) === 0, {
        timeoutMs: 15_000,
        description: "the marker's reassessment done",
      });

      expect(await h.stored('SchedulingConflictDetected')).toBe(1);
      expect(await h.stored('TherapeuticLoadChanged')).toBe(4); // three bookings, one enrolment
      const overCap = () =>
        h.published('TherapeuticLoadChanged').filter((e) => (e.payload as { overCap: boolean }).overCap);
      await waitFor(() => h.published('SchedulingConflictDetected').length === 1 && overCap().length === 1, {
        timeoutMs: 30_000,
        description: "the member's over-cap load and clash on the topic",
      });
      expect(h.published('SchedulingConflictDetected')[0]!.payload).toMatchObject({
        groupId: group,
        sessionId: `${group}-s02`,
        contactId: 'tc_reassess_cbt',
        conflict: 'overlap',
      });
      expect(overCap()[0]!.payload).toMatchObject({ contacts: 4, cap: 3, byKind: { 'group-session': 1 } });
    });

    it("takes the left group's sessions out of the load on withdrawal and resolves the overload and the clash, once", async () => {
      const withdrew = h.withdrew();
      await h.send(withdrew);
      await h.send(withdrew);
      await h.drainPartition();
      await waitFor(async () => (await h.pending()) === 0, {
        timeoutMs: 15_000,
        description: 'the withdrawal reassessed',
      });

      expect(await h.stored('SchedulingConflictResolved')).toBe(1);
      expect(await h.stored('TherapeuticOverloadResolved')).toBe(1);
      await waitFor(
        () =>
          h.published('SchedulingConflictResolved').length === 1 &&
          h.published('TherapeuticOverloadResolved').length === 1,
        { timeoutMs: 30_000, description: 'the resolutions on the topic' },
      );
      const overCap = h.published('TherapeuticLoadChanged').find((e) => (e.payload as { overCap: boolean }).overCap)!
        .payload as { windowStart: string };
      expect(h.published('TherapeuticOverloadResolved')[0]!.payload).toMatchObject({
        windowStart: overCap.windowStart,
        contacts: 3,
        cap: 3,
      });
      expect(h.published('SchedulingConflictResolved')[0]!.payload).toMatchObject({
        sessionId: `${group}-s02`,
        contactId: 'tc_reassess_cbt',
      });
      expect(await h.week(s2)).toMatchObject({ contacts: 3, overCap: false, byKind: { 'group-session': 0 } });
    });
  });

  describe('on embedded PGlite, one session (DATABASE_SINGLE_SESSION=true): nothing waits on a second connection inside the inbox transaction', () => {
    const h = harness('mbr_int_reassess_02', 'grp_int_reassess_pglite');
    const dir = mkdtempSync(join(tmpdir(), 'cc-sched-pglite-'));
    let pg: EmbeddedPostgres | undefined;

    beforeAll(async () => {
      pg = await startEmbeddedPostgres(dir);
      // One pooled connection: an event-store write awaited inside the inbox's transaction would wait for it forever.
      await h.start(100, { DATABASE_URL: pg.url, DATABASE_SINGLE_SESSION: 'true', DATABASE_POOL_MAX: '1' });
    });

    afterAll(async () => {
      await h.stop();
      await pg?.stop();
      rmSync(dir, { recursive: true, force: true });
      delete process.env['DATABASE_SINGLE_SESSION'];
      delete process.env['DATABASE_POOL_MAX'];
    });

    it('detects on enrolment and resolves on withdrawal', async () => {
      await h.formGroupAndBook();
      await h.send(h.enrolled);
      await waitFor(async () => (await h.stored('SchedulingConflictDetected')) === 1, {
        timeoutMs: 30_000,
        description: 'the clash detected after the enrolment committed',
      });
      await h.send(h.withdrew());
      await waitFor(
        async () =>
          (await h.stored('SchedulingConflictResolved')) === 1 && (await h.stored('TherapeuticOverloadResolved')) === 1,
        {
          timeoutMs: 30_000,
          description: 'the clash and the overload resolved after the withdrawal committed',
        },
      );
      expect(await h.pending()).toBe(0);
    });
  });
});
