import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { Topics } from '@carecircle/contracts';
import { createKafka } from '@carecircle/platform/messaging';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  httpJson,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { referConsentAndEnrol, roster, waitForCatalogue } from '@carecircle/platform/testing';

/**
 * Issue 4's e2e: enrollment and scheduling as separate processes built from dist/, each with its own
 * PostgreSQL database, on one Kafka-protocol cluster. A weekly 8-week group is formed through
 * scheduling's REST (its first five sessions lie in the past, so attendance can be taken for six);
 * six members go through enrollment's real care flow (screened referral, both consents, a seat) and
 * reach scheduling's roster over Kafka. Attendance makes a dose for two, puts two off track at the
 * midpoint and leaves two in between; one member books two CBT sessions in the week of a group
 * session, one of them overlapping it. What scheduling publishes is read back from its topic.
 */
jest.setTimeout(120_000);

const RUN = randomUUID().slice(0, 8);
const GROUP = `grp_e2e_sched_${RUN}`;
const MEMBERS = Array.from({ length: 6 }, (_, i) => `mbr_e2e_sched_${RUN}_${i}`);
const [DOSED_A, DOSED_B, NEARLY, UNREACHABLE, SLOW, BOOKER] = MEMBERS as [
  string,
  string,
  string,
  string,
  string,
  string,
];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/**
 * Sessions 1-6 have started, 7 and 8 lie ahead. The course is planned in UTC so the week around session 7
 * is exactly 7 days long whatever the date of the run (daylight saving is the unit and int tests' concern).
 */
const FIRST_SESSION_AT = new Date(Math.floor((Date.now() - 5 * WEEK) / HOUR) * HOUR - HOUR).toISOString();
const sessionId = (n: number) => `${GROUP}-s${String(n).padStart(2, '0')}`;
const iso = (t: number) => new Date(t).toISOString();

/** Attended (A), absent (-) per session, in order from session 1. */
const ATTENDANCE: Record<string, string> = {
  [DOSED_A]: 'AAAAAA',
  [DOSED_B]: 'AAAAAA',
  [NEARLY]: 'AAAAA',
  [UNREACHABLE]: 'A---',
  [SLOW]: 'AA--',
};

interface BusEvent {
  eventId: string;
  type: string;
  subject: string;
  payload: Record<string, unknown>;
}

describe('scheduling with enrollment across processes: dose, load and conflicts (issue 4)', () => {
  let kafka: KafkaCluster | undefined;
  let enrollmentDb: TestDatabase | undefined;
  let schedulingDb: TestDatabase | undefined;
  let enrollment: ServiceProcess | undefined;
  let scheduling: ServiceProcess | undefined;
  let consumer: Consumer | undefined;
  const seen: BusEvent[] = [];
  const urls = { enrollment: () => enrollment!.url, scheduling: () => scheduling!.url };
  const api = httpJson(urls.scheduling);
  const ofType = (type: string, subject?: string) =>
    seen.filter((e) => e.type === type && (subject === undefined || e.subject === subject));
  const subjectsOf = (type: string) => [...new Set(ofType(type).map((e) => e.subject))].sort();
  let sessions: { sessionId: string; startsAt: string; endsAt: string }[] = [];

  const common = () => ({
    KAFKA_BROKERS: kafka!.brokers.join(','),
    KAFKA_TOPICS_AUTO_CREATED: 'true',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'info',
  });

  beforeAll(async () => {
    kafka = await startKafka();
    [enrollmentDb, schedulingDb] = await Promise.all([
      createTestDatabase('e2e_sched_enrollment'),
      createTestDatabase('e2e_sched_scheduling'),
    ]);
    [enrollment, scheduling] = await Promise.all([
      startServiceProcess({
        app: 'enrollment',
        env: { ...common(), DATABASE_URL: enrollmentDb.url },
        startTimeoutMs: 60_000,
      }),
      startServiceProcess({
        app: 'scheduling',
        env: { ...common(), DATABASE_URL: schedulingDb.url },
        startTimeoutMs: 60_000,
      }),
    ]);
    const client = createKafka({ clientId: `scheduling-e2e-${RUN}`, brokers: kafka.brokers });
    consumer = client.consumer({ groupId: `scheduling-e2e-reader-${RUN}`, sessionTimeout: 6_000 });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.scheduling, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => void seen.push(JSON.parse(message.value!.toString()) as BusEvent),
    });
  });

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await Promise.all([enrollment?.stop(), scheduling?.stop()]);
    await Promise.all([enrollmentDb?.drop(), schedulingDb?.drop()]);
    await kafka?.stop();
  });

  it('forms a weekly 8-week group in scheduling that enrollment learns over Kafka', async () => {
    const group = {
      groupId: GROUP,
      groupType: 'general-emotional-support',
      seats: 8,
      openness: 'open',
      modality: 'online',
      videoLink: `https://video.example.test/${GROUP}`,
      facilitatorIds: [`fac_e2e_${RUN}`],
      ageBand: { min: 18, max: 99 },
      cadence: 'weekly',
      sessionMinutes: 90,
      courseWeeks: 8,
      firstSessionAt: FIRST_SESSION_AT,
      timeZone: 'UTC',
    };
    expect(await api.post('/api/scheduling/groups', group)).toMatchObject({
      status: 202,
      body: { groupId: GROUP, status: 'formed', sessions: 8 },
    });
    await waitForCatalogue(urls.enrollment, [GROUP], 30_000);
    const calendar = await api.get<{ sessions: typeof sessions }>(`/api/scheduling/groups/${GROUP}/calendar`);
    sessions = calendar.body.sessions;
    expect(sessions.map((s) => s.sessionId)).toEqual(Array.from({ length: 8 }, (_, i) => sessionId(i + 1)));
    expect(sessions.filter((s) => Date.parse(s.startsAt) <= Date.now())).toHaveLength(6);
  });

  it("enrols 6 members through enrollment's care flow, and scheduling's roster learns them", async () => {
    for (const memberId of MEMBERS) await referConsentAndEnrol(urls.enrollment, memberId, GROUP);
    await waitFor(async () => (await roster(urls.scheduling, GROUP)).members.length === MEMBERS.length, {
      timeoutMs: 30_000,
      intervalMs: 200,
      description: "scheduling's roster to hold the 6 enrolled members",
    });
    expect((await roster(urls.scheduling, GROUP)).members.map((m) => m.memberId).sort()).toEqual([...MEMBERS].sort());
  });

  it('records attendance: DoseReached at 6 sessions, OffTrackForDose at the midpoint for those who cannot or likely will not make it', async () => {
    const answered: Record<string, string[]> = {};
    for (const [memberId, pattern] of Object.entries(ATTENDANCE)) {
      for (const [index, mark] of [...pattern].entries()) {
        const status = mark === 'A' ? 'attended-online' : 'absent';
        const response = await api.post<{ events: string[] }>(
          `/api/scheduling/groups/${GROUP}/sessions/${sessionId(index + 1)}/attendance`,
          { memberId, status },
        );
        expect(response.status).toBe(202);
        answered[memberId] = [
          ...(answered[memberId] ?? []),
          ...response.body.events.filter((type) => type !== 'AttendanceRecorded'),
        ];
      }
    }
    expect(answered).toEqual({
      [DOSED_A]: ['DoseReached'],
      [DOSED_B]: ['DoseReached'],
      [NEARLY]: [],
      [UNREACHABLE]: ['OffTrackForDose'],
      [SLOW]: ['OffTrackForDose'],
    });

    const recorded = Object.values(ATTENDANCE).join('').length;
    await waitFor(
      () =>
        ofType('AttendanceRecorded').length >= recorded &&
        ofType('DoseReached').length >= 2 &&
        ofType('OffTrackForDose').length >= 2,
      {
        timeoutMs: 30_000,
        description: `${recorded} AttendanceRecorded, 2 DoseReached and 2 OffTrackForDose on scheduling's topic`,
      },
    );
    expect(subjectsOf('DoseReached')).toEqual([DOSED_A, DOSED_B].sort());
    expect(ofType('DoseReached').map((e) => e.payload)).toEqual([
      expect.objectContaining({ sessionsAttended: 6, doseSessions: 6 }),
      expect.objectContaining({ sessionsAttended: 6, doseSessions: 6 }),
    ]);
    expect(ofType('OffTrackForDose', UNREACHABLE).map((e) => e.payload)).toEqual([
      expect.objectContaining({ reason: 'unreachable', sessionsAttended: 1, sessionsHeld: 4, sessionsRemaining: 4 }),
    ]);
    expect(ofType('OffTrackForDose', SLOW).map((e) => e.payload)).toEqual([
      expect.objectContaining({ reason: 'unlikely-at-current-rate', sessionsAttended: 2, sessionsHeld: 4 }),
    ]);

    const calendar = await api.get<{ sessions: { sessionId: string; attendance: { memberId: string }[] }[] }>(
      `/api/scheduling/groups/${GROUP}/calendar`,
    );
    expect(calendar.body.sessions.map((s) => s.attendance.length)).toEqual([5, 5, 5, 5, 3, 2, 0, 0]);
  });

  it('books two CBT sessions in one week, one overlapping a group session: the what-if, the load over the cap and the conflict', async () => {
    const s7 = Date.parse(sessions[6]!.startsAt);
    const member = `/api/scheduling/members/${BOOKER}`;
    const overlapping = {
      contactId: `tc_cbt_${RUN}_a`,
      kind: 'cbt',
      start: iso(s7 - 30 * MINUTE),
      end: iso(s7 + 20 * MINUTE),
    };
    const later = {
      contactId: `tc_cbt_${RUN}_b`,
      kind: 'cbt',
      start: iso(s7 + 2 * DAY),
      end: iso(s7 + 2 * DAY + 50 * MINUTE),
    };
    expect(await api.post(`${member}/contacts`, overlapping)).toMatchObject({
      status: 202,
      body: { events: ['TherapeuticContactBooked', 'TherapeuticLoadChanged', 'SchedulingConflictDetected'] },
    });
    expect(await api.post(`${member}/contacts`, later)).toMatchObject({
      status: 202,
      body: { events: ['TherapeuticContactBooked', 'TherapeuticLoadChanged'] },
    });

    // Group session + two CBT = the cap (3): at it, not over. A psychiatry visit that week would cross it.
    const psychiatry = { kind: 'psychiatry', start: iso(s7 + 3 * DAY), end: iso(s7 + 3 * DAY + 30 * MINUTE) };
    const whatIf = await api.post(`${member}/load/what-if`, psychiatry);
    expect(whatIf).toMatchObject({
      status: 200,
      body: {
        memberId: BOOKER,
        current: { contacts: 3, cap: 3, overCap: false },
        ifBooked: { contacts: 4, overCap: true, byKind: { 'group-session': 1, cbt: 2, psychiatry: 1 } },
        wouldCrossCap: true,
        conflicts: [],
      },
    });
    expect(await api.post(`${member}/contacts`, { contactId: `tc_psy_${RUN}`, ...psychiatry })).toMatchObject({
      status: 202,
      body: { events: ['TherapeuticContactBooked', 'TherapeuticLoadChanged'] },
    });

    await waitFor(
      () =>
        ofType('TherapeuticLoadChanged', BOOKER).some((e) => e.payload['overCap'] === true) &&
        ofType('SchedulingConflictDetected', BOOKER).length >= 1,
      {
        timeoutMs: 30_000,
        description: 'TherapeuticLoadChanged over the cap and SchedulingConflictDetected on the topic',
      },
    );
    expect(ofType('TherapeuticLoadChanged', BOOKER).map((e) => [e.payload['contacts'], e.payload['overCap']])).toEqual([
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(ofType('SchedulingConflictDetected').map((e) => ({ subject: e.subject, ...e.payload }))).toEqual([
      expect.objectContaining({
        subject: BOOKER,
        groupId: GROUP,
        sessionId: sessionId(7),
        contactId: overlapping.contactId,
        contactKind: 'cbt',
        conflict: 'overlap',
        gapMinutes: 0,
      }),
    ]);
    const week = await api.get(`${member}/week?from=${iso(s7 - HOUR)}`);
    expect(week.body['load']).toMatchObject({
      contacts: 4,
      overCap: true,
      byKind: { 'group-session': 1, cbt: 2, psychiatry: 1 },
    });
  });

  it('reassesses load and clashes when a group session moves and when a member with bookings joins through enrollment', async () => {
    const s7 = Date.parse(sessions[6]!.startsAt);
    // Session 8 moves into session 7's week, onto the booker's psychiatry visit.
    const movedTo = iso(s7 + 3 * DAY - 30 * MINUTE);
    expect(
      await api.post(`/api/scheduling/groups/${GROUP}/sessions/${sessionId(8)}/reschedule`, { startsAt: movedTo }),
    ).toMatchObject({ status: 202, body: { events: ['SessionRescheduled'] } });
    await waitFor(
      () =>
        ofType('SchedulingConflictDetected', BOOKER).length === 2 &&
        ofType('TherapeuticLoadChanged', BOOKER).length === 4,
      {
        timeoutMs: 30_000,
        description: "the booker's load and clash after session 8 moved",
      },
    );
    expect(ofType('SchedulingConflictDetected', BOOKER)[1]!.payload).toMatchObject({
      sessionId: sessionId(8),
      sessionStartsAt: movedTo,
      contactId: `tc_psy_${RUN}`,
      conflict: 'overlap',
    });
    expect(ofType('TherapeuticLoadChanged', BOOKER)[3]!.payload).toMatchObject({
      contacts: 5,
      overCap: true,
      byKind: { 'group-session': 2, cbt: 2, psychiatry: 1 },
    });

    // A seventh member already sees a counselor at the time of session 7, then joins through the care flow.
    const joiner = `mbr_e2e_sched_${RUN}_join`;
    const counseling = {
      contactId: `tc_ic_${RUN}`,
      kind: 'individual-counseling',
      start: iso(s7 + 60 * MINUTE),
      end: iso(s7 + 110 * MINUTE),
    };
    expect(await api.post(`/api/scheduling/members/${joiner}/contacts`, counseling)).toMatchObject({
      status: 202,
      body: { events: ['TherapeuticContactBooked', 'TherapeuticLoadChanged'] },
    });
    await referConsentAndEnrol(urls.enrollment, joiner, GROUP);
    await waitFor(() => ofType('SchedulingConflictDetected', joiner).length === 1, {
      timeoutMs: 30_000,
      description: "the joiner's clash with session 7, found when scheduling learns the enrolment",
    });
    expect(ofType('SchedulingConflictDetected', joiner)[0]!.payload).toMatchObject({
      groupId: GROUP,
      sessionId: sessionId(7),
      contactId: counseling.contactId,
      conflict: 'overlap',
    });
    // Members without other contacts, whose weeks stay within the cap, hear nothing about their load.
    expect(subjectsOf('TherapeuticLoadChanged')).toEqual([BOOKER, joiner].sort());
  });
});
