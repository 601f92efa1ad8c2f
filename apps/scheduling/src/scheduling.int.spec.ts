import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { Consumer, Producer } from 'kafkajs';
import ICAL from 'ical.js';
import { AppointmentBooked, fixtures, gatewayFixtures, Topics, type IntegrationEvent } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import { bootstrapService, connectKafkaConsumer } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { AppModule } from './app.module';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const GROUP = 'grp_int_weekly';
const members = ['mbr_int_dose_01', 'mbr_int_late_02', 'mbr_int_load_03'];

/**
 * Scheduling in one process over real PostgreSQL, a Kafka-protocol broker and real HTTP: enrollment's
 * events build the roster, a weekly 8-week course is formed and attended, contacts are booked, and
 * what scheduling publishes is read back from its topic.
 */
describe('scheduling service (HTTP, Kafka, PostgreSQL)', () => {
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let app: INestApplication | undefined;
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  let url: string;
  const published: IntegrationEvent[] = [];
  const saved = { ...process.env };
  // A course whose sessions all lie in the past, so attendance can be taken for every one.
  const firstSessionAt = new Date(Math.floor((Date.now() - 60 * DAY) / 3_600_000) * 3_600_000).toISOString();

  beforeAll(async () => {
    kafka = await startKafka();
    db = await createTestDatabase('scheduling_int');
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
    });
    app = await bootstrapService({
      name: 'scheduling',
      rootModule: AppModule,
      port: 0,
      configure: (a) => void connectKafkaConsumer(a, 'scheduling'),
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const client = createKafka({ clientId: 'scheduling-int', brokers: kafka.brokers });
    producer = createProducer(client);
    await producer.connect();
    consumer = client.consumer({ groupId: `scheduling-int-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.scheduling, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void published.push(JSON.parse(message.value!.toString()) as IntegrationEvent),
    });
  });

  afterAll(async () => {
    await consumer?.disconnect();
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  const send = (method: string, path: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const json = async (method: string, path: string, body?: unknown) => {
    const response = await send(method, path, body);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const group = {
    groupId: GROUP,
    groupType: 'general-emotional-support',
    seats: 8,
    openness: 'open',
    modality: 'online',
    videoLink: 'https://video.example.test/int',
    facilitatorIds: ['fac_int_01'],
    ageBand: { min: 18, max: 99 },
    cadence: 'weekly',
    sessionMinutes: 90,
    courseWeeks: 8,
    firstSessionAt,
    timeZone: 'Europe/Berlin',
  };
  const sessionId = (n: number) => `${GROUP}-s0${n}`;
  const ofType = (type: string, subject?: string) =>
    published.filter((e) => e.type === type && (!subject || e.subject === subject));

  it('builds the roster from enrollment events', async () => {
    for (const memberId of members) {
      const event = {
        ...fixtures.MemberEnrolled,
        eventId: randomUUID(),
        subject: memberId,
        payload: {
          ...fixtures.MemberEnrolled.payload,
          groupId: GROUP,
          enrolledAt: new Date(Date.parse(firstSessionAt) - DAY).toISOString(),
        },
      };
      await producer!.send({ topic: Topics.enrollment, messages: [{ key: memberId, value: JSON.stringify(event) }] });
    }
    await waitFor(
      async () =>
        ((await json('GET', `/api/scheduling/groups/${GROUP}/roster`)).body['members'] as unknown[]).length ===
        members.length,
      { timeoutMs: 30_000, description: 'roster of 3 from enrollment events' },
    );
  });

  it.each([
    ['seats', { seats: 5 }],
    ['seats', { seats: 13 }],
    ['sessionMinutes', { sessionMinutes: 60 }],
    ['timeZone', { timeZone: 'Mars/Olympus' }],
  ])('answers 400 naming %s, and writes nothing', async (field, override) => {
    const { status, body } = await json('POST', '/api/scheduling/groups', { ...group, ...override });
    expect(status).toBe(400);
    expect(JSON.stringify(body['errors'])).toContain(field);
    expect((await send('GET', `/api/scheduling/groups/${GROUP}/calendar`)).status).toBe(404);
  });

  it('forms a weekly 8-week group, idempotently, and publishes it without the video link', async () => {
    expect(await json('POST', '/api/scheduling/groups', group)).toEqual({
      status: 202,
      body: { groupId: GROUP, status: 'formed', sessions: 8 },
    });
    expect((await json('POST', '/api/scheduling/groups', group)).body['status']).toBe('already-formed');
    await waitFor(() => ofType('SessionScheduled').length === 8 && ofType('GroupFormed').length === 1, {
      timeoutMs: 30_000,
      description: 'GroupFormed and 8 SessionScheduled on the topic',
    });
    expect(ofType('GroupFormed')[0]!.payload).toMatchObject({ groupId: GROUP, hasVideoLink: true, seats: 8 });
    expect(JSON.stringify(published)).not.toContain('video.example.test');
  });

  it('counts the dose, flags the off-track member at the midpoint, and keeps corrections as events', async () => {
    for (let n = 1; n <= 6; n++) {
      expect(
        (
          await json('POST', `/api/scheduling/groups/${GROUP}/sessions/${sessionId(n)}/attendance`, {
            memberId: members[0],
            status: 'attended-online',
          })
        ).status,
      ).toBe(202);
    }
    for (let n = 1; n <= 4; n++) {
      await json('POST', `/api/scheduling/groups/${GROUP}/sessions/${sessionId(n)}/attendance`, {
        memberId: members[1],
        status: n === 1 ? 'attended-online' : 'absent',
      });
    }
    const correction = await json('PUT', `/api/scheduling/groups/${GROUP}/sessions/${sessionId(2)}/attendance`, {
      memberId: members[1],
      status: 'excused',
    });
    expect(correction).toEqual({ status: 202, body: { events: ['AttendanceCorrected'] } });
    const unknown = await send('POST', `/api/scheduling/groups/${GROUP}/sessions/${sessionId(1)}/attendance`, {
      memberId: 'mbr_not_on_roster',
      status: 'absent',
    });
    expect(unknown.status).toBe(422);

    await waitFor(
      () =>
        ofType('DoseReached').length === 1 &&
        ofType('OffTrackForDose').length === 1 &&
        ofType('AttendanceCorrected').length === 1,
      { timeoutMs: 30_000, description: 'dose events on the topic' },
    );
    expect(ofType('DoseReached')[0]).toMatchObject({
      subject: members[0],
      payload: { sessionsAttended: 6, doseSessions: 6 },
    });
    expect(ofType('OffTrackForDose')[0]).toMatchObject({
      subject: members[1],
      payload: { reason: 'unreachable', sessionsHeld: 4 },
    });

    const calendar = await json('GET', `/api/scheduling/groups/${GROUP}/calendar`);
    const sessions = calendar.body['sessions'] as {
      sessionId: string;
      attendance: { memberId: string; status: string }[];
    }[];
    expect(sessions[1]!.attendance).toEqual(expect.arrayContaining([{ memberId: members[1], status: 'excused' }]));
  });

  it('checks the load before booking, publishes it after, and reports a clash with a group session', async () => {
    const calendar = await json('GET', `/api/scheduling/groups/${GROUP}/calendar`);
    const s8 = Date.parse((calendar.body['sessions'] as { startsAt: string }[])[7]!.startsAt);
    const iso = (t: number) => new Date(t).toISOString();
    const base = `/api/scheduling/members/${members[2]}`;
    expect(
      (
        await json('POST', `${base}/contacts`, {
          contactId: 'tc_cbt_a',
          kind: 'cbt',
          start: iso(s8 + DAY),
          end: iso(s8 + DAY + 50 * 60_000),
        })
      ).status,
    ).toBe(202);
    const clash = await json('POST', `${base}/contacts`, {
      contactId: 'tc_cbt_b',
      kind: 'cbt',
      start: iso(s8 - 30 * 60_000),
      end: iso(s8 + 20 * 60_000),
    });
    expect(clash.body['events']).toEqual([
      'TherapeuticContactBooked',
      'TherapeuticLoadChanged',
      'SchedulingConflictDetected',
    ]);

    const proposal = { kind: 'psychiatry', start: iso(s8 + 2 * DAY), end: iso(s8 + 2 * DAY + 30 * 60_000) };
    const whatIf = await json('POST', `${base}/load/what-if`, proposal);
    expect(whatIf.body).toMatchObject({
      current: { contacts: 3, overCap: false },
      ifBooked: { contacts: 4, overCap: true },
      wouldCrossCap: true,
      conflicts: [],
    });
    expect((await json('POST', `${base}/load/what-if`, { ...proposal, end: 'soon' })).status).toBe(400);
    await json('POST', `${base}/contacts`, { contactId: 'tc_psy_a', ...proposal });

    await waitFor(
      () =>
        ofType('TherapeuticLoadChanged', members[2]).some((e) => (e.payload as { overCap: boolean }).overCap) &&
        ofType('SchedulingConflictDetected').length === 1,
      {
        timeoutMs: 30_000,
        description: 'over-cap load and the conflict on the topic',
      },
    );
    expect(ofType('SchedulingConflictDetected')[0]).toMatchObject({
      subject: members[2],
      payload: { sessionId: sessionId(8), conflict: 'overlap', contactKind: 'cbt' },
    });
    const week = await json('GET', `${base}/week?from=${iso(s8 - DAY)}`);
    expect(week.body['load']).toMatchObject({
      contacts: 4,
      overCap: true,
      byKind: { 'group-session': 1, cbt: 2, psychiatry: 1 },
    });
  });

  it('serves RFC 5545 feeds per group and member, with cancellations', async () => {
    // The course lies in the past; a cancellation needs a future session, so form a second, future group.
    const future = {
      ...group,
      groupId: 'grp_int_future',
      firstSessionAt: new Date(Date.now() + 7 * DAY).toISOString(),
    };
    await json('POST', '/api/scheduling/groups', future);
    expect(
      (
        await json('POST', `/api/scheduling/groups/grp_int_future/sessions/grp_int_future-s03/cancellation`, {
          reason: 'holiday',
        })
      ).status,
    ).toBe(202);
    // The facilitator's schedule is a read model that follows scheduling's own events.
    await waitFor(
      async () =>
        ((await json('GET', '/api/scheduling/facilitators/fac_int_01/upcoming-sessions')).body['sessions'] as unknown[])
          .length === 7,
      {
        timeoutMs: 10_000,
        description: "the facilitator's 7 upcoming sessions (8 formed, 1 cancelled, the past course's all over)",
      },
    );

    const response = await send('GET', '/api/scheduling/groups/grp_int_future/calendar.ics');
    expect(response.headers.get('content-type')).toContain('text/calendar');
    const vcalendar = new ICAL.Component(ICAL.parse(await response.text()));
    const events = vcalendar.getAllSubcomponents('vevent');
    expect(events).toHaveLength(8);
    expect(
      events
        .filter((e) => e.getFirstPropertyValue('status') === 'CANCELLED')
        .map((e) => e.getFirstPropertyValue('uid')),
    ).toEqual(['grp_int_future-s03@scheduling.carecircle']);

    const memberFeed = new ICAL.Component(
      ICAL.parse(await (await send('GET', `/api/scheduling/members/${members[0]}/calendar.ics`)).text()),
    );
    expect(memberFeed.getAllSubcomponents('vevent')).toHaveLength(8);
  });

  it('reassesses load and clashes when a member joins a group and when a session moves, and bumps the SEQUENCE of the moved session', async () => {
    const FUTURE = 'grp_int_future';
    const joiner = 'mbr_int_joiner_04';
    const slot = async (n: number) =>
      (
        (await json('GET', `/api/scheduling/groups/${FUTURE}/calendar`)).body['sessions'] as {
          startsAt: string;
          endsAt: string;
        }[]
      )[n - 1]!;
    const s2 = Date.parse((await slot(2)).startsAt);
    const iso = (t: number) => new Date(t).toISOString();
    // Booked before the member is in any group: nothing to clash with yet.
    const before = await json('POST', `/api/scheduling/members/${joiner}/contacts`, {
      contactId: 'tc_join_cbt',
      kind: 'cbt',
      start: iso(s2 + 30 * 60_000),
      end: iso(s2 + 80 * 60_000),
    });
    expect(before.body['events']).toEqual(['TherapeuticContactBooked', 'TherapeuticLoadChanged']);
    const spare = {
      contactId: 'tc_join_psy',
      kind: 'psychiatry',
      start: iso(s2 + 3 * DAY),
      end: iso(s2 + 3 * DAY + 30 * 60_000),
    };
    expect((await json('POST', `/api/scheduling/members/${joiner}/contacts`, spare)).status).toBe(202);

    const enrolled = {
      ...fixtures.MemberEnrolled,
      eventId: randomUUID(),
      subject: joiner,
      payload: { ...fixtures.MemberEnrolled.payload, groupId: FUTURE, enrolledAt: new Date().toISOString() },
    };
    await producer!.send({ topic: Topics.enrollment, messages: [{ key: joiner, value: JSON.stringify(enrolled) }] });
    await waitFor(() => ofType('SchedulingConflictDetected', joiner).length === 1, {
      timeoutMs: 30_000,
      description: "the joiner's clash with session 2, found at enrolment",
    });
    expect(ofType('SchedulingConflictDetected', joiner)[0]!.payload).toMatchObject({
      groupId: FUTURE,
      sessionId: `${FUTURE}-s02`,
      contactId: 'tc_join_cbt',
      conflict: 'overlap',
    });

    // Session 4 moves onto the psychiatry visit: the load and the clash are published without any contact changing.
    const loadsBefore = ofType('TherapeuticLoadChanged', joiner).length;
    const movedTo = iso(Math.floor((s2 + 3 * DAY - 60 * 60_000) / 60_000) * 60_000); // calendars keep whole seconds
    const moved = await json('POST', `/api/scheduling/groups/${FUTURE}/sessions/${FUTURE}-s04/reschedule`, {
      startsAt: movedTo,
    });
    expect(moved).toEqual({ status: 202, body: { events: ['SessionRescheduled'] } });
    await waitFor(
      () =>
        ofType('SchedulingConflictDetected', joiner).length === 2 &&
        ofType('TherapeuticLoadChanged', joiner).length > loadsBefore,
      {
        timeoutMs: 30_000,
        description: "the joiner's load and clash after session 4 moved",
      },
    );
    expect(ofType('SchedulingConflictDetected', joiner)[1]!.payload).toMatchObject({
      sessionId: `${FUTURE}-s04`,
      contactId: 'tc_join_psy',
      conflict: 'overlap',
    });
    expect(ofType('TherapeuticLoadChanged', joiner).at(-1)!.payload).toMatchObject({
      contacts: 4,
      overCap: true,
      byKind: { 'group-session': 2, cbt: 1, psychiatry: 1 },
    });

    const feed = new ICAL.Component(
      ICAL.parse(await (await send('GET', `/api/scheduling/groups/${FUTURE}/calendar.ics`)).text()),
    );
    const sequences = Object.fromEntries(
      feed
        .getAllSubcomponents('vevent')
        .map((e) => [String(e.getFirstPropertyValue('uid')).split('@')[0], e.getFirstPropertyValue('sequence')]),
    );
    expect(sequences).toEqual({
      [`${FUTURE}-s01`]: 0,
      [`${FUTURE}-s02`]: 0,
      [`${FUTURE}-s03`]: 1,
      [`${FUTURE}-s04`]: 1,
      [`${FUTURE}-s05`]: 0,
      [`${FUTURE}-s06`]: 0,
      [`${FUTURE}-s07`]: 0,
      [`${FUTURE}-s08`]: 0,
    });
    const movedEvent = feed
      .getAllSubcomponents('vevent')
      .find((e) => e.getFirstPropertyValue('uid') === `${FUTURE}-s04@scheduling.carecircle`)!;
    expect((movedEvent.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString()).toBe(movedTo);

    await waitFor(
      async () => {
        const { body } = await json('GET', '/api/scheduling/facilitators/fac_int_01/upcoming-sessions');
        return (
          (body['sessions'] as { sessionId: string; startsAt: string; revision: number }[]).find(
            (x) => x.sessionId === `${FUTURE}-s04`,
          )?.revision === 1
        );
      },
      { timeoutMs: 10_000, description: "the facilitator's schedule to show session 4 moved" },
    );
    const upcoming = (await json('GET', '/api/scheduling/facilitators/fac_int_01/upcoming-sessions')).body[
      'sessions'
    ] as { sessionId: string; startsAt: string }[];
    expect(upcoming.map((x) => x.startsAt)).toEqual([...upcoming.map((x) => x.startsAt)].sort());
    expect(upcoming.find((x) => x.sessionId === `${FUTURE}-s04`)!.startsAt).toBe(movedTo);
  });

  it("books the EHR's appointments from the gateway as REST bookings are, once per revision", async () => {
    const viaGateway = 'mbr_int_gateway_05';
    const viaRest = 'mbr_int_rest_06';
    const publish = (event: IntegrationEvent) =>
      producer!.send({ topic: Topics.gatewayIngest, messages: [{ key: event.subject, value: JSON.stringify(event) }] });
    const from = '2026-03-09T00:00:00.000Z';
    const week = async (memberId: string) =>
      (await json('GET', `/api/scheduling/members/${memberId}/week?from=${from}`)).body as {
        contacts: { contactId: string; kind: string; start: string; end: string }[];
        load: Record<string, unknown>;
      };
    const loadOf = (event: IntegrationEvent) => {
      const { memberId: _m, changedAt: _c, ...snapshot } = event.payload as Record<string, unknown>;
      return snapshot;
    };
    // The contract's CBT appointment, for our member; parsed first so the test sends what the gateway may send.
    const cbt = AppointmentBooked.parse({
      ...gatewayFixtures.AppointmentBooked,
      eventId: randomUUID(),
      subject: viaGateway,
    });
    const contactId = `gw-appt-${cbt.payload.resourceId}`;
    // Before it: a code scheduling cannot tell the kind of, and a gateway fact that is not scheduling's. Neither stops the topic.
    await publish(
      AppointmentBooked.parse({
        ...cbt,
        eventId: randomUUID(),
        payload: {
          ...cbt.payload,
          resourceId: randomUUID(),
          serviceTypes: [{ system: 'http://snomed.info/sct', code: '185349003' }],
        },
      }),
    );
    await publish({ ...gatewayFixtures.ObservationRecorded, eventId: randomUUID(), subject: viaGateway });
    await publish(cbt);
    await waitFor(async () => (await week(viaGateway)).contacts.length === 1, {
      timeoutMs: 30_000,
      description: "the gateway's CBT appointment in the member's week",
    });
    expect((await week(viaGateway)).contacts).toEqual([
      { contactId, kind: 'cbt', start: '2026-03-10T14:00:00.000Z', end: '2026-03-10T15:00:00.000Z' },
    ]);

    // The same appointment booked over REST for another member: the same load is published.
    const rest = await json('POST', `/api/scheduling/members/${viaRest}/contacts`, {
      contactId: 'tc_rest_cbt',
      kind: 'cbt',
      start: '2026-03-10T14:00:00.000Z',
      end: '2026-03-10T15:00:00.000Z',
    });
    expect(rest.body['events']).toEqual(['TherapeuticContactBooked', 'TherapeuticLoadChanged']);
    await waitFor(
      () =>
        ofType('TherapeuticLoadChanged', viaGateway).length === 1 &&
        ofType('TherapeuticLoadChanged', viaRest).length === 1,
      { timeoutMs: 30_000, description: 'both loads on the topic' },
    );
    expect(loadOf(ofType('TherapeuticLoadChanged', viaGateway)[0]!)).toEqual(
      loadOf(ofType('TherapeuticLoadChanged', viaRest)[0]!),
    );
    expect(ofType('TherapeuticLoadChanged', viaGateway)[0]!.payload).toMatchObject({
      contacts: 1,
      overCap: false,
      byKind: { cbt: 1, 'group-session': 0 },
    });
    expect((await week(viaGateway)).load).toEqual((await week(viaRest)).load);

    // Redelivered (the same message, and the same revision in a new message): nothing changes. Revision 2,
    // on the same partition behind them, moves the appointment; once it shows, the duplicates were handled.
    const weekBefore = await week(viaGateway);
    await publish(cbt);
    await publish({ ...cbt, eventId: randomUUID() });
    await publish(
      AppointmentBooked.parse({
        ...cbt,
        eventId: randomUUID(),
        payload: { ...cbt.payload, revision: 2, start: '2026-03-11T09:00:00Z', end: '2026-03-11T09:50:00Z' },
      }),
    );
    await waitFor(async () => (await week(viaGateway)).contacts[0]?.start === '2026-03-11T09:00:00.000Z', {
      timeoutMs: 30_000,
      description: 'revision 2 moves the contact',
    });
    await waitFor(() => ofType('TherapeuticContactChanged', viaGateway).length === 1, {
      timeoutMs: 30_000,
      description: 'the change on the topic',
    });
    expect(weekBefore.contacts).toHaveLength(1);
    expect((await week(viaGateway)).contacts).toEqual([
      { contactId, kind: 'cbt', start: '2026-03-11T09:00:00.000Z', end: '2026-03-11T09:50:00.000Z' },
    ]);
    expect(ofType('TherapeuticContactBooked', viaGateway)).toHaveLength(1);
    expect(ofType('TherapeuticLoadChanged', viaGateway)).toHaveLength(2);

    // Revision 3 cancels; the first message again, and the cancellation again, change nothing. A psychiatry
    // appointment behind them on the partition shows they were handled.
    const cancelled = AppointmentBooked.parse({
      ...cbt,
      eventId: randomUUID(),
      payload: { ...cbt.payload, revision: 3, status: 'cancelled' },
    });
    await publish(cancelled);
    await waitFor(async () => (await week(viaGateway)).contacts.length === 0, {
      timeoutMs: 30_000,
      description: 'revision 3 cancels the contact',
    });
    await publish(cbt);
    await publish(cancelled);
    await publish({ ...cancelled, eventId: randomUUID() });
    const psychiatry = AppointmentBooked.parse({
      ...cbt,
      eventId: randomUUID(),
      payload: {
        ...cbt.payload,
        resourceId: randomUUID(),
        serviceTypes: [{ system: 'http://snomed.info/sct', code: '394587001' }],
      },
    });
    await publish(psychiatry);
    await waitFor(async () => (await week(viaGateway)).contacts.length === 1, {
      timeoutMs: 30_000,
      description: 'the psychiatry appointment behind the duplicates',
    });
    expect((await week(viaGateway)).contacts).toEqual([
      {
        contactId: `gw-appt-${psychiatry.payload.resourceId}`,
        kind: 'psychiatry',
        start: '2026-03-10T14:00:00.000Z',
        end: '2026-03-10T15:00:00.000Z',
      },
    ]);
    await waitFor(() => ofType('TherapeuticContactBooked', viaGateway).length === 2, {
      timeoutMs: 30_000,
      description: 'the psychiatry booking on the topic',
    });
    expect(ofType('TherapeuticContactCancelled', viaGateway)).toHaveLength(1);
    expect(ofType('TherapeuticContactChanged', viaGateway)).toHaveLength(1);
  });
});
