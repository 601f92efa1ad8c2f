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

const AUDIENCE = 'carecircle-scheduling';
const DAY = 86_400_000;
const OWN = 'mbr_acc_own_01';
const OTHER = 'mbr_acc_other_01';
const GROUP = 'grp_acc_own';
const OTHER_GROUP = 'grp_acc_other';

type Who = MatrixCaller;
const PEOPLE = MATRIX_PEOPLE;
const EVERYONE = MATRIX_CALLERS;

/** One route of the matrix; `own`/`other` is the member, the group or the facilitator the route names. */
/**
 * Scheduling decides access itself (HTTP, real PostgreSQL, the Kafka mock). Groups are formed through its
 * own API, so facilitators are granted by its own GroupFormed coming back through the relationship
 * projector; enrolments and care teams come from the other services' events on the bus.
 */
describe('scheduling: who may do what, decided in the service', () => {
  const saved = { ...process.env };
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let issuer: LocalTokenIssuer;
  let app: INestApplication | undefined;
  let producer: Producer | undefined;
  let url: string;
  // Four sessions behind (attendance can be taken), four ahead (they can be moved and cancelled).
  const firstSessionAt = new Date(Math.floor((Date.now() - 25 * DAY) / 3_600_000) * 3_600_000).toISOString();
  const inAMonth = (hours: number) =>
    new Date(Math.floor((Date.now() + 30 * DAY) / 3_600_000) * 3_600_000 + hours * 3_600_000).toISOString();

  const token = matrixTokens(() => issuer, AUDIENCE);
  const send = bearerRequests(() => url);
  const read = async (who: Who, path: string, scope = '') => {
    const response = await send('GET', path, await token(who, scope));
    return { status: response.status, text: await response.text() };
  };
  const publish = (topic: string, events: { subject: string }[]) =>
    producer!.send({
      topic,
      acks: -1,
      messages: events.map((event) => ({ key: event.subject, value: JSON.stringify(event) })),
    });
  const formGroup = (groupId: string, facilitatorId: string) => ({
    groupId,
    groupType: 'general-emotional-support',
    seats: 8,
    openness: 'open',
    modality: 'online',
    videoLink: 'https://video.example.test/acc',
    facilitatorIds: [facilitatorId],
    ageBand: { min: 18, max: 99 },
    cadence: 'weekly',
    sessionMinutes: 90,
    courseWeeks: 8,
    firstSessionAt,
    timeZone: 'Europe/Berlin',
  });
  const member = (side: 'own' | 'other') => (side === 'own' ? OWN : OTHER);
  const group = (side: 'own' | 'other') => (side === 'own' ? GROUP : OTHER_GROUP);
  const facilitatorId = (side: 'own' | 'other') =>
    side === 'own' ? PEOPLE.facilitator[0] : PEOPLE.otherFacilitator[0];
  const contact = (start: number) => ({
    contactId: `tc_acc_${randomUUID().slice(0, 8)}`,
    kind: 'cbt',
    start: inAMonth(start),
    end: inAMonth(start + 1),
  });
  const bookAsClient = async (memberId: string) => {
    const booked = contact(24);
    expect(
      (
        await send(
          'POST',
          `/api/scheduling/members/${memberId}/contacts`,
          await token('rightScope', 'system/Appointment.u'),
          booked,
        )
      ).status,
    ).toBe(202);
    return booked.contactId;
  };

  const everyClinicianAndLead: readonly Who[] = ['careTeam', 'otherClinician', 'facilitator', 'lead', 'rightScope'];
  const routes: MatrixRoute[] = [
    {
      name: 'POST groups',
      scope: 'system/Group.c',
      allowed: ['lead', 'rightScope'],
      status: 202,
      call: async (_s, t) => send('POST', '/api/scheduling/groups', t, formGroup('grp_acc_third', 'fac_acc_third_01')),
    },
    {
      name: 'PATCH group',
      scope: 'system/Group.u',
      allowed: ['lead', 'facilitator', 'rightScope'],
      status: 202,
      call: (s, t) => send('PATCH', `/api/scheduling/groups/${group(s)}`, t, { seats: 8 }),
    },
    {
      name: 'GET roster',
      scope: 'system/Group.r',
      allowed: ['facilitator', 'rightScope'],
      status: 200,
      call: (s, t) => send('GET', `/api/scheduling/groups/${group(s)}/roster`, t),
    },
    {
      name: 'GET calendar',
      scope: 'system/Appointment.r',
      allowed: everyClinicianAndLead,
      status: 200,
      call: (s, t) => send('GET', `/api/scheduling/groups/${group(s)}/calendar`, t),
    },
    {
      name: 'GET calendar.ics',
      scope: 'system/Appointment.r',
      allowed: everyClinicianAndLead,
      status: 200,
      call: (s, t) => send('GET', `/api/scheduling/groups/${group(s)}/calendar.ics`, t),
    },
    {
      name: 'POST reschedule',
      scope: 'system/Appointment.u',
      allowed: ['facilitator', 'rightScope'],
      status: 202,
      call: (s, t) =>
        send('POST', `/api/scheduling/groups/${group(s)}/sessions/${group(s)}-s06/reschedule`, t, {
          startsAt: inAMonth(2),
        }),
    },
    {
      name: 'POST cancellation',
      scope: 'system/Appointment.u',
      allowed: ['facilitator', 'rightScope'],
      status: 202,
      call: (s, t) =>
        send('POST', `/api/scheduling/groups/${group(s)}/sessions/${group(s)}-s07/cancellation`, t, {
          reason: 'holiday',
        }),
    },
    {
      name: 'POST attendance',
      scope: 'system/Encounter.u',
      allowed: ['facilitator', 'rightScope'],
      status: 202,
      call: (s, t) =>
        send('POST', `/api/scheduling/groups/${group(s)}/sessions/${group(s)}-s01/attendance`, t, {
          memberId: member(s),
          status: 'absent',
        }),
    },
    {
      name: 'PUT attendance',
      scope: 'system/Encounter.u',
      allowed: ['facilitator', 'rightScope'],
      status: 202,
      call: (s, t) =>
        send('PUT', `/api/scheduling/groups/${group(s)}/sessions/${group(s)}-s01/attendance`, t, {
          memberId: member(s),
          status: 'excused',
        }),
    },
    {
      name: 'PUT group-session',
      scope: 'system/Encounter.u',
      allowed: ['facilitator', 'rightScope'],
      status: 202,
      call: (s, t) =>
        send('PUT', `/api/scheduling/groups/${group(s)}/sessions/${group(s)}-s02/group-session`, t, {
          entries: [{ memberId: member(s), status: 'attended-online', note: 'Quiet today.' }],
        }),
    },
    {
      name: 'GET session notes',
      scope: 'system/Encounter.r',
      allowed: ['facilitator', 'rightScope'],
      status: 200,
      call: (s, t) => send('GET', `/api/scheduling/groups/${group(s)}/sessions/${group(s)}-s02/notes`, t),
    },
    {
      name: 'GET member session-notes',
      scope: 'system/Encounter.r',
      allowed: ['careTeam', 'rightScope'],
      status: 200,
      call: (s, t) => send('GET', `/api/scheduling/members/${member(s)}/session-notes`, t),
    },
    {
      name: 'POST contacts',
      scope: 'system/Appointment.u',
      allowed: ['careTeam', 'rightScope'],
      status: 202,
      call: (s, t) => send('POST', `/api/scheduling/members/${member(s)}/contacts`, t, contact(48)),
    },
    {
      name: 'PUT contact',
      scope: 'system/Appointment.u',
      allowed: ['careTeam', 'rightScope'],
      status: 202,
      call: async (s, t) =>
        send('PUT', `/api/scheduling/members/${member(s)}/contacts/${await bookAsClient(member(s))}`, t, {
          start: inAMonth(72),
          end: inAMonth(73),
        }),
    },
    {
      name: 'DELETE contact',
      scope: 'system/Appointment.u',
      allowed: ['careTeam', 'rightScope'],
      status: 202,
      call: async (s, t) =>
        send('DELETE', `/api/scheduling/members/${member(s)}/contacts/${await bookAsClient(member(s))}`, t),
    },
    {
      name: 'POST what-if',
      scope: 'system/Appointment.r',
      allowed: ['careTeam', 'rightScope'],
      status: 200,
      call: (s, t) =>
        send('POST', `/api/scheduling/members/${member(s)}/load/what-if`, t, {
          kind: 'psychiatry',
          start: inAMonth(96),
          end: inAMonth(97),
        }),
    },
    {
      name: 'GET week',
      scope: 'system/Appointment.r',
      allowed: ['careTeam', 'rightScope'],
      status: 200,
      call: (s, t) =>
        send('GET', `/api/scheduling/members/${member(s)}/week?from=${encodeURIComponent(inAMonth(-24))}`, t),
    },
    {
      name: 'GET member calendar.ics',
      scope: 'system/Appointment.r',
      allowed: ['careTeam', 'rightScope'],
      status: 200,
      call: (s, t) => send('GET', `/api/scheduling/members/${member(s)}/calendar.ics`, t),
    },
    {
      name: 'GET upcoming-sessions',
      scope: 'system/Appointment.r',
      allowed: ['facilitator', 'rightScope'],
      status: 200,
      call: (s, t) => send('GET', `/api/scheduling/facilitators/${facilitatorId(s)}/upcoming-sessions`, t),
    },
    // Operations: admins only, no SMART scope opens it.
    {
      name: 'GET parked-events',
      scope: 'system/AuditEvent.r',
      allowed: ['admin'],
      status: 200,
      call: (_s, t) => send('GET', '/api/scheduling/operations/parked-events', t),
    },
  ];

  beforeAll(async () => {
    [kafka, db, issuer] = await Promise.all([
      startKafka(),
      createTestDatabase('scheduling_access'),
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
      name: 'scheduling',
      rootModule: AppModule,
      port: 0,
      configure: (nest) => void connectKafkaConsumer(nest, 'scheduling'),
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    producer = createProducer(createKafka({ clientId: 'scheduling-access-int', brokers: kafka.brokers }));
    await producer.connect();

    // The programme lead forms both groups: scheduling's own GroupFormed names their facilitators.
    const lead = await token('lead', '');
    for (const [groupId, facilitator] of [
      [GROUP, PEOPLE.facilitator[0]],
      [OTHER_GROUP, PEOPLE.otherFacilitator[0]],
    ] as const) {
      expect((await send('POST', '/api/scheduling/groups', lead, formGroup(groupId, facilitator))).status).toBe(202);
    }
    // Enrollment's enrolments and clinician-liaison's care teams, as they publish them.
    const enrolledAt = new Date(Date.parse(firstSessionAt) - DAY).toISOString();
    const enrolled = (memberId: string, groupId: string) => ({
      ...fixtures.MemberEnrolled,
      eventId: randomUUID(),
      subject: memberId,
      payload: { ...fixtures.MemberEnrolled.payload, groupId, enrolledAt },
    });
    const assigned = (memberId: string, clinicianId: string) => ({
      ...fixtures.CareTeamMemberAssigned,
      eventId: randomUUID(),
      subject: memberId,
      payload: { ...fixtures.CareTeamMemberAssigned.payload, clinicianId, activeUntil: null },
    });
    await publish(Topics.enrollment, [enrolled(OWN, GROUP), enrolled(OTHER, OTHER_GROUP)]);
    await publish(Topics.clinicianLiaison, [
      assigned(OWN, PEOPLE.careTeam[0]),
      assigned(OTHER, PEOPLE.otherClinician[0]),
    ]);
    const week = (memberId: string) =>
      `/api/scheduling/members/${memberId}/week?from=${encodeURIComponent(inAMonth(-24))}`;
    await waitFor(
      async () => {
        const [own, other, ownWeek, otherWeek] = await Promise.all([
          read('facilitator', `/api/scheduling/groups/${GROUP}/roster`),
          read('otherFacilitator', `/api/scheduling/groups/${OTHER_GROUP}/roster`),
          read('careTeam', week(OWN)),
          read('otherClinician', week(OTHER)),
        ]);
        return (
          own.text.includes(OWN) && other.text.includes(OTHER) && ownWeek.status === 200 && otherWeek.status === 200
        );
      },
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        description:
          'facilitators (from scheduling’s own GroupFormed), rosters and care teams to arrive through the bus',
      },
    );
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await Promise.all([db?.drop(), issuer?.stop()]);
    await kafka?.stop();
  });

  it('answers each caller on each route as the policy says: own and other member, group or facilitator', async () => {
    const { expected, actual } = await matrixAnswers(routes, token);
    expect(actual).toEqual(expected);
  });

  it('shows who attends only to the group’s facilitators: others see the sessions with counts', async () => {
    const calendar = `/api/scheduling/groups/${GROUP}/calendar`;
    const full = await read('facilitator', calendar);
    expect(full.status).toBe(200);
    expect(JSON.parse(full.text).sessions[0].attendance).toEqual([{ memberId: OWN, status: 'excused' }]);
    for (const who of ['careTeam', 'otherClinician', 'lead'] as const) {
      const counts = await read(who, calendar);
      expect(counts.status).toBe(200);
      expect(JSON.parse(counts.text).sessions[0]).toMatchObject({ sessionId: `${GROUP}-s01`, attendanceRecorded: 1 });
      expect(counts.text).not.toMatch(/mbr_|attendance"/);
    }
    const roster = await read('facilitator', `/api/scheduling/groups/${GROUP}/roster`);
    expect(roster.text).toContain(OWN);
    expect(roster.text).not.toContain(OTHER);
    const upcoming = await read(
      'facilitator',
      `/api/scheduling/facilitators/${PEOPLE.facilitator[0]}/upcoming-sessions`,
    );
    expect(upcoming.text).toContain(GROUP);
    expect(upcoming.text).not.toContain(OTHER_GROUP);
  });

  it('saves a group session whole or not at all, and shows its notes to the facilitators and the care team only', async () => {
    const facilitator = await token('facilitator', '');
    const sheet = `/api/scheduling/groups/${GROUP}/sessions/${GROUP}-s03/group-session`;
    const notes = `/api/scheduling/groups/${GROUP}/sessions/${GROUP}-s03/notes`;
    const entry = { memberId: OWN, status: 'attended-in-person' };
    for (const body of [
      { entries: [] },
      { entries: [{ ...entry, note: 'x'.repeat(501) }] },
      { entries: [{ ...entry, note: 'bell\u0007' }] },
      { entries: [{ ...entry, status: 'present' }] },
      { entries: [entry], more: true },
    ])
      expect({ body, status: (await send('PUT', sheet, facilitator, body)).status }).toEqual({ body, status: 400 });
    // A member not on the roster refuses the whole sheet: the member who is on it is not recorded either.
    const refused = await send('PUT', sheet, facilitator, {
      entries: [
        { ...entry, note: 'Calmer today.' },
        { memberId: 'mbr_acc_stranger', status: 'absent' },
      ],
    });
    expect(refused.status).toBe(422);
    expect(JSON.parse((await read('facilitator', notes)).text).notes).toEqual([]);
    expect(
      JSON.parse((await read('facilitator', `/api/scheduling/groups/${GROUP}/calendar`)).text).sessions[2].attendance,
    ).toEqual([]);

    expect((await send('PUT', sheet, facilitator, { entries: [{ ...entry, note: 'Calmer today.' }] })).status).toBe(
      202,
    );
    expect(JSON.parse((await read('facilitator', notes)).text).notes).toEqual([
      expect.objectContaining({ memberId: OWN, note: 'Calmer today.', writtenBy: PEOPLE.facilitator[0] }),
    ]);
    const forCareTeam = await read('careTeam', `/api/scheduling/members/${OWN}/session-notes`);
    expect(JSON.parse(forCareTeam.text).notes).toContainEqual(
      expect.objectContaining({ sessionId: `${GROUP}-s03`, note: 'Calmer today.' }),
    );
    expect((await read('otherFacilitator', notes)).status).toBe(403);
    expect((await read('otherClinician', `/api/scheduling/members/${OWN}/session-notes`)).status).toBe(403);
  });

  it('refuses an expired token and a token for another service with 401', async () => {
    const path = `/api/scheduling/groups/${GROUP}/roster`;
    const expired = await send('GET', path, await token('facilitator', '', { expiresIn: -60 }));
    expect(expired.status).toBe(401);
    expect(await expired.json()).toMatchObject({ message: 'The bearer token has expired' });
    for (const audience of ['carecircle-enrollment', 'carecircle-gateway']) {
      const response = await send('GET', path, await token('facilitator', '', { audience }));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ message: 'The bearer token is not meant for this service' });
    }
  });

  it('moves a group’s access with its facilitators, and ends a member’s with the care team or the last group', async () => {
    const roster = `/api/scheduling/groups/${OTHER_GROUP}/roster`;
    expect((await read('otherFacilitator', roster)).status).toBe(200);
    const handOver = await send('PATCH', `/api/scheduling/groups/${OTHER_GROUP}`, await token('lead', ''), {
      facilitatorIds: [PEOPLE.facilitator[0]],
    });
    expect(handOver.status).toBe(202);
    await waitFor(async () => (await read('otherFacilitator', roster)).status === 403, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'GroupChanged to move the group to its new facilitator',
    });
    expect((await read('facilitator', roster)).status).toBe(200);

    const week = (memberId: string) =>
      `/api/scheduling/members/${memberId}/week?from=${encodeURIComponent(inAMonth(-24))}`;
    expect((await read('careTeam', week(OWN))).status).toBe(200);
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
    await waitFor(async () => (await read('careTeam', week(OWN))).status === 403, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'CareTeamMemberEnded to end the clinician’s access',
    });

    expect((await read('otherClinician', week(OTHER))).status).toBe(200);
    const withdrew = {
      ...fixtures.MemberWithdrew,
      eventId: randomUUID(),
      subject: OTHER,
      payload: { ...fixtures.MemberWithdrew.payload, groupId: OTHER_GROUP, withdrewAt: new Date().toISOString() },
    };
    await publish(Topics.enrollment, [withdrew]);
    await waitFor(async () => (await read('otherClinician', week(OTHER))).status === 403, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: 'MemberWithdrew from the only group to end the care team’s access',
    });
    expect(JSON.parse((await read('otherClinician', week(OTHER))).text)).toMatchObject({
      message: 'The member has withdrawn: access through the care team or a group has ended',
    });
  });

  it('lets an admin list, replay and discard parked events, each call audited; bad input is a 4xx that changes nothing', async () => {
    const sql = new Client({ connectionString: db.url });
    await sql.connect();
    try {
      // Park two of scheduling's own events as the processor would have: GroupFormed of the own group, and another.
      const events: { global_position: string; event_id: string; type: string }[] = (
        await sql.query(
          "SELECT global_position::text AS global_position, event_id, type FROM event_store.events WHERE type = 'GroupFormed' ORDER BY global_position LIMIT 2",
        )
      ).rows;
      expect(events).toHaveLength(2);
      for (const event of events) {
        await sql.query(
          `INSERT INTO processing.parked_event (processor, global_position, event_id, event_type, error_class, attempts, parked_at) VALUES ('upcoming-sessions', $1, $2, $3, 'TypeError', 5, now())`,
          [event.global_position, event.event_id, event.type],
        );
      }
      const admin = await token('admin', '');
      const parked = (await (await send('GET', '/api/scheduling/operations/parked-events', admin)).json()) as {
        items: { processor: string; position: string; eventType: string }[];
      };
      expect(parked.items.map((item) => [item.processor, item.position, item.eventType])).toEqual(
        events.map((e) => ['upcoming-sessions', e.global_position, 'GroupFormed']),
      );
      const ready = (await (await fetch(`${url}/health/ready`)).json()) as { info: Record<string, unknown> };
      expect(ready.info['parked-events']).toEqual({ status: 'up', parked: 2, degraded: true });

      const [replayed, discarded] = events.map((e) => e.global_position);
      expect(
        (
          await send(
            'POST',
            `/api/scheduling/operations/parked-events/upcoming-sessions/${replayed}/replay`,
            await token('facilitator', ''),
          )
        ).status,
      ).toBe(403);
      for (const [method, path, status] of [
        ['POST', `/api/scheduling/operations/parked-events/upcoming-sessions/abc/replay`, 400],
        ['POST', `/api/scheduling/operations/parked-events/Upcoming%20Sessions/${replayed}/replay`, 400],
        ['POST', `/api/scheduling/operations/parked-events/no-such-processor/${replayed}/replay`, 404],
        ['DELETE', `/api/scheduling/operations/parked-events/upcoming-sessions/99999999999999999999`, 400],
        ['DELETE', `/api/scheduling/operations/parked-events/upcoming-sessions/1`, 404],
      ] as const) {
        expect(`${method} ${path}: ${(await send(method, path, admin)).status}`).toBe(`${method} ${path}: ${status}`);
      }
      expect((await sql.query('SELECT count(*)::int AS n FROM processing.parked_event')).rows[0].n).toBe(2); // the refusals changed nothing

      const replay = await send(
        'POST',
        `/api/scheduling/operations/parked-events/upcoming-sessions/${replayed}/replay`,
        admin,
      );
      expect({ status: replay.status, body: await replay.json() }).toEqual({ status: 200, body: { replayed: true } });
      expect(
        (await send('DELETE', `/api/scheduling/operations/parked-events/upcoming-sessions/${discarded}`, admin)).status,
      ).toBe(204);
      expect(
        (await send('DELETE', `/api/scheduling/operations/parked-events/upcoming-sessions/${discarded}`, admin)).status,
      ).toBe(404);
      expect(
        ((await (await send('GET', '/api/scheduling/operations/parked-events', admin)).json()) as { items: unknown[] })
          .items,
      ).toEqual([]);

      const audited = await sql.query(
        "SELECT route, outcome FROM access.audit_record WHERE agent = $1 AND action = 'operations.manage' AND outcome = 'allowed' ORDER BY id",
        [PEOPLE.admin[0]],
      );
      expect(audited.rows.map((row: { route: string }) => row.route)).toEqual(
        expect.arrayContaining([
          'GET /api/scheduling/operations/parked-events',
          'POST /api/scheduling/operations/parked-events/:processor/:position/replay',
          'DELETE /api/scheduling/operations/parked-events/:processor/:position',
        ]),
      );
    } finally {
      await sql.end();
    }
  });

  it('lets the group’s facilitator and the programme lead close it, nobody else', async () => {
    const close = async (who: Who) =>
      (
        await send('POST', `/api/scheduling/groups/${GROUP}/closure`, await token(who, 'system/Group.u'), {
          reason: 'course-completed',
        })
      ).status;
    const actual: string[] = [];
    for (const who of EVERYONE) actual.push(`${who}: ${await close(who)}`);
    expect(actual).toEqual(
      EVERYONE.map((who) => `${who}: ${['facilitator', 'lead', 'rightScope'].includes(who) ? 202 : 403}`),
    );
  });
});
