import { randomUUID } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { Client } from 'pg';
import { Topics } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  httpJson,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import {
  ELIGIBLE_SCREENING_FACTS,
  enrolInGroup,
  groupDetails,
  recordConsents,
  waitForCatalogue,
} from '@carecircle/platform/testing';

jest.setTimeout(120_000);

const RUN = randomUUID().slice(0, 8);
const member = `mbr_e2e_liaison_${RUN}`;
const psy = 'clin_e2e_psy_01';
const fac = 'clin_e2e_fac_01';
const group = `grp_e2e_liaison_depression_${RUN}`;
/** Twenty-two and a half years old whenever the test runs. */
const today = new Date();
const birthDate = new Date(Date.UTC(today.getUTCFullYear() - 22, today.getUTCMonth() - 6, 1))
  .toISOString()
  .slice(0, 10);
/** A 22-year-old with mild depressive symptoms: screening places them; an antidepressant change is critical (< 25). */
const screeningFacts = {
  ...ELIGIBLE_SCREENING_FACTS,
  age: 22,
  conditions: ['depression'],
  phq9: { total: 8, item9: 0 },
};
/** Critical alerts escalate after 0.25 min (15 s): long enough to act, kill and restart before the first one fires. */
const ESCALATE_CRITICAL_MINUTES = 0.25;
const LIAISON_GROUP = 'clinician-liaison';

interface AlertView {
  alertId: string;
  recipientId: string | null;
  severity: string;
  status: string;
  summary: string;
  escalationLevel: number;
}
interface Card {
  uuid?: string;
  summary: string;
  indicator: string;
  detail: string;
  source: { label: string };
  overrideReasons: { code: string }[];
  links: { url: string }[];
}

/**
 * Issue 5's e2e: enrollment, scheduling and clinician-liaison as separate processes from dist/ on one
 * Kafka-protocol cluster, each with its own database. Scheduling forms a depression group through its
 * REST; enrollment learns it over Kafka, screens, consents and enrols a 22-year-old member; liaison learns
 * the enrolment over Kafka. Sertraline started → one critical alert to the psychiatrist and one
 * minimum-necessary alert to the facilitator; the same request and the same Kafka event again → still
 * one; a dose change → a second alert, returned by CDS Hooks patient-view as a card; acknowledging it
 * from the EHR stops its escalation. Liaison is killed -9 with escalation timers pending: after a
 * restart each unacknowledged alert escalates exactly once. Synthetic data only.
 */
describe('scheduling + enrollment → Kafka → clinician-liaison alerts and CDS Hooks (processes)', () => {
  let kafka: KafkaCluster | undefined;
  let dbs: Partial<Record<'enrollment' | 'scheduling' | 'liaison', TestDatabase>> = {};
  let enrollment: ServiceProcess | undefined;
  let scheduling: ServiceProcess | undefined;
  let liaison: ServiceProcess | undefined;
  let reader: Consumer | undefined;
  /** Everything on enrollment's topic, as the bus carries it (for a byte-identical redelivery). */
  const enrollmentTopic: { partition: number; message: KafkaMessage }[] = [];
  let firstAlerts: { psy: AlertView; fac: AlertView } | undefined;
  let secondPsyAlert: AlertView | undefined;

  const common = () => ({
    KAFKA_BROKERS: kafka!.brokers.join(','),
    KAFKA_TOPICS_AUTO_CREATED: 'true',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'info',
  });
  const startLiaison = () =>
    startServiceProcess({
      app: 'clinician-liaison',
      env: {
        ...common(),
        DATABASE_URL: dbs.liaison!.url,
        LIAISON_TIMER_POLL_MS: '250',
        LIAISON_ESCALATE_CRITICAL_MINUTES: String(ESCALATE_CRITICAL_MINUTES),
      },
      startTimeoutMs: 60_000,
    });
  const liaisonApi = () => httpJson(() => liaison!.url);

  async function sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: dbs.liaison!.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const inbox = async (clinician: string) =>
    (await liaisonApi().get<AlertView[]>(`/api/liaison/clinicians/${clinician}/alerts?memberId=${member}`)).body;
  const countEvents = async (type: string) =>
    Number((await sql<{ n: string }>('SELECT count(*) AS n FROM event_store.events WHERE type = $1', [type]))[0]!.n);
  const groupJoinedFacts = async () =>
    Number(
      (
        await sql<{ n: string }>(
          "SELECT count(*) AS n FROM event_store.events WHERE type = 'ExternalFactRecorded' AND data->'fact'->>'kind' = 'group-joined' AND data->>'memberId' = $1",
          [member],
        )
      )[0]!.n,
    );
  const patientView = async () => {
    const request = {
      hook: 'patient-view',
      hookInstance: randomUUID(),
      context: { userId: `Practitioner/${psy}`, patientId: member },
    };
    const answer = await liaisonApi().post<{ cards: Card[] }>('/cds-services/carecircle-open-alerts', request);
    expect(answer.status).toBe(200);
    return answer.body.cards;
  };

  beforeAll(async () => {
    kafka = await startKafka();
    const [enrollmentDb, schedulingDb, liaisonDb] = await Promise.all([
      createTestDatabase('e2e_liaison_enrollment'),
      createTestDatabase('e2e_liaison_scheduling'),
      createTestDatabase('e2e_liaison'),
    ]);
    dbs = { enrollment: enrollmentDb, scheduling: schedulingDb, liaison: liaisonDb };
    const client = createKafka({ clientId: `liaison-e2e-${RUN}`, brokers: kafka.brokers });
    reader = client.consumer({ groupId: `liaison-e2e-reader-${RUN}`, sessionTimeout: 6_000 });
    // Each is assigned as soon as it runs, so afterAll stops it even when another fails to start.
    await Promise.all([
      startServiceProcess({
        app: 'enrollment',
        env: { ...common(), DATABASE_URL: enrollmentDb.url },
        startTimeoutMs: 60_000,
      }).then((p) => (enrollment = p)),
      startServiceProcess({
        app: 'scheduling',
        env: { ...common(), DATABASE_URL: schedulingDb.url },
        startTimeoutMs: 60_000,
      }).then((p) => (scheduling = p)),
      startLiaison().then((p) => (liaison = p)),
      (async () => {
        await reader!.connect();
        await reader!.subscribe({ topic: Topics.enrollment, fromBeginning: true });
        await reader!.run({
          eachMessage: async ({ partition, message }) => void enrollmentTopic.push({ partition, message }),
        });
      })(),
    ]);
  });

  afterAll(async () => {
    await Promise.allSettled([reader?.disconnect(), enrollment?.kill9(), scheduling?.kill9(), liaison?.kill9()]);
    await Promise.allSettled(Object.values(dbs).map((db) => db.drop()));
    await kafka?.stop();
  });

  it('alerts the psychiatrist (critical) and the facilitator (minimum necessary) once for a sertraline start, and still once when request and event are redelivered', async () => {
    // The care team and the member's profile (22, no consent to share drug details with the facilitator).
    const profile = { birthDate, cohort: 'general', shareMedicationDetailsWithFacilitator: false, part2Consent: false };
    expect((await liaisonApi().put(`/api/liaison/members/${member}/profile`, profile)).status).toBe(200);
    for (const [clinicianId, role] of [
      [psy, 'attending-psychiatrist'],
      [fac, 'facilitator'],
    ] as const) {
      expect((await liaisonApi().put(`/api/liaison/members/${member}/care-team`, { clinicianId, role })).status).toBe(
        200,
      );
    }

    // Scheduling forms a depression group for young adults; enrollment learns it over Kafka.
    const formed = await httpJson(scheduling!.url).post('/api/scheduling/groups', {
      ...groupDetails(group),
      groupType: 'disease-specific',
      condition: 'depression',
      ageBand: { min: 18, max: 30 },
      facilitatorIds: [fac],
    });
    expect(formed.status).toBe(202);
    await waitForCatalogue(enrollment!.url, [group], 45_000);

    // Referred with screening, both consents, enrolled; the enrolment reaches liaison over Kafka.
    const referralId = randomUUID();
    const referral = {
      referralId,
      memberId: member,
      referringClinicianId: psy,
      wantedGroupType: 'disease-specific',
      wantedCondition: 'depression',
      modalityPreference: 'online',
      memberRole: 'patient',
      screeningFacts,
    };
    expect((await httpJson(enrollment!.url).post('/api/enrollment/referrals', referral)).status).toBe(202);
    await recordConsents(enrollment!.url, referralId);
    await enrolInGroup(enrollment!.url, group, referralId);
    await waitFor(async () => (await groupJoinedFacts()) === 1, {
      timeoutMs: 30_000,
      description: 'the enrolment to reach clinician-liaison over Kafka',
    });

    const sertraline = {
      medicationId: 'med_e2e_1',
      rxnormCode: '36437',
      name: 'sertraline',
      dailyDose: 50,
      doseUnit: 'mg',
      route: 'oral',
      frequency: 'daily',
      prescriberId: psy,
    };
    expect((await liaisonApi().post(`/api/liaison/members/${member}/medications`, sertraline)).body).toEqual({
      changed: true,
      classification: 'classified',
    });
    const [psyAlerts, facAlerts] = await waitFor(
      async () => {
        const found = await Promise.all([inbox(psy), inbox(fac)]);
        return found.every((alerts) => alerts.length >= 1) ? found : undefined;
      },
      { timeoutMs: 20_000, description: "the psychiatrist's and the facilitator's alerts" },
    );
    expect(psyAlerts).toEqual([
      expect.objectContaining({
        recipientId: psy,
        severity: 'critical',
        escalationLevel: 0,
        summary: expect.stringMatching(/sertraline started.*\(under 25\)/),
      }),
    ]);
    expect(facAlerts).toEqual([
      expect.objectContaining({
        recipientId: fac,
        severity: 'critical',
        escalationLevel: 0,
        summary: expect.stringMatching(/^Medication change: watch for activation/),
      }),
    ]);
    expect(JSON.stringify(facAlerts)).not.toMatch(/sertraline|\d+\s*mg/i);
    firstAlerts = { psy: psyAlerts[0]!, fac: facAlerts[0]! };

    // The same start again (a retried request): nothing changes.
    expect((await liaisonApi().post(`/api/liaison/members/${member}/medications`, sertraline)).body).toEqual({
      changed: false,
      classification: 'classified',
    });
    // Enrollment's MemberEnrolled redelivered byte for byte on its topic: liaison consumes and commits it, and records nothing.
    const enrolled = await waitFor(
      () =>
        enrollmentTopic.find(({ message }) => {
          const event = JSON.parse(message.value!.toString()) as { type: string; subject: string };
          return event.type === 'MemberEnrolled' && event.subject === member;
        }),
      { timeoutMs: 15_000, description: "enrollment's MemberEnrolled on its topic" },
    );
    const producer = createProducer(createKafka({ clientId: `liaison-e2e-redeliver-${RUN}`, brokers: kafka!.brokers }));
    await producer.connect();
    let redelivered: { partition: number; offset: number };
    try {
      const [sent] = await producer.send({
        topic: Topics.enrollment,
        acks: -1,
        messages: [{ key: enrolled.message.key, value: enrolled.message.value, headers: enrolled.message.headers }],
      });
      redelivered = { partition: sent!.partition, offset: Number(sent!.baseOffset) };
    } finally {
      await producer.disconnect();
    }
    const admin = createKafka({ clientId: `liaison-e2e-admin-${RUN}`, brokers: kafka!.brokers }).admin();
    await admin.connect();
    try {
      await waitFor(
        async () => {
          const [offsets] = await admin.fetchOffsets({ groupId: LIAISON_GROUP, topics: [Topics.enrollment] });
          return (
            Number(offsets?.partitions.find((p) => p.partition === redelivered.partition)?.offset ?? -1) >
            redelivered.offset
          );
        },
        {
          timeoutMs: 20_000,
          intervalMs: 200,
          description: 'clinician-liaison to consume and commit the redelivered MemberEnrolled',
        },
      );
    } finally {
      await admin.disconnect();
    }
    expect(await groupJoinedFacts()).toBe(1);
    expect(await countEvents('AlertRaised')).toBe(2);
    expect(await inbox(psy)).toEqual(psyAlerts);
    expect(await inbox(fac)).toEqual(facAlerts);
  });

  it('raises a second alert on a dose change, returns it as a CDS Hooks patient-view card, and acknowledging the card stops its escalation', async () => {
    const dose = { dailyDose: 100, doseUnit: 'mg', frequency: 'daily', prescriberId: psy };
    expect((await liaisonApi().put(`/api/liaison/members/${member}/medications/med_e2e_1/dose`, dose)).status).toBe(
      202,
    );
    const psyAlerts = await waitFor(async () => ((await inbox(psy)).length >= 2 ? inbox(psy) : undefined), {
      timeoutMs: 20_000,
      description: 'a second alert for the dose change',
    });
    const second = psyAlerts.find((a) => a.alertId !== firstAlerts!.psy.alertId)!;
    expect(second).toMatchObject({
      recipientId: psy,
      severity: 'critical',
      status: 'raised',
      summary: expect.stringMatching(/sertraline dose changed/),
    });
    await waitFor(async () => ((await inbox(fac)).length === 2 ? true : undefined), {
      timeoutMs: 20_000,
      description: "the facilitator's second alert",
    });
    expect(JSON.stringify(await inbox(fac))).not.toMatch(/sertraline|\d+\s*mg/i);
    expect(await countEvents('AlertRaised')).toBe(4);
    secondPsyAlert = second;

    // The EHR opens the member's chart: the second alert comes back as a card, with its evidence.
    const card = (await patientView()).find((c) => c.uuid === second.alertId);
    expect(card).toMatchObject({
      indicator: 'critical',
      source: { label: 'CareCircle clinician liaison' },
      summary: second.summary,
    });
    expect(card!.summary.length).toBeLessThan(140);
    expect(card!.detail).toMatch(/under 25[\s\S]*Evidence/);
    expect(card!.overrideReasons.length).toBeGreaterThan(0);
    expect(card!.links[0]!.url).toMatch(new RegExp(`/${member}$`));

    // The psychiatrist accepts it in the EHR: acknowledged, its escalation timer cleared, no longer a card.
    const feedback = {
      feedback: [{ card: second.alertId, outcome: 'accepted', outcomeTimestamp: new Date().toISOString() }],
    };
    expect((await liaisonApi().post('/cds-services/carecircle-open-alerts/feedback', feedback)).status).toBe(200);
    await waitFor(
      async () =>
        (await inbox(psy)).find((a) => a.alertId === second.alertId)?.status === 'acknowledged' ? true : undefined,
      {
        timeoutMs: 15_000,
        description: 'the accepted card to show as acknowledged',
      },
    );
    expect(
      await sql('SELECT escalation_due_at AS due FROM liaison_alert WHERE alert_id = $1', [second.alertId]),
    ).toEqual([{ due: null }]);
    expect((await patientView()).map((c) => c.uuid)).not.toContain(second.alertId);
  });

  it('fires pending escalations exactly once after a kill -9 and restart, and none for the acknowledged alerts', async () => {
    // One alert, one state: the psychiatrist's acknowledgement of the second alert (the test above) reached
    // the facilitator's copy too; both copies of the first alert stay open.
    const facSecond = (await inbox(fac)).find((a) => a.alertId !== firstAlerts!.fac.alertId)!;
    const open = [firstAlerts!.psy.alertId, firstAlerts!.fac.alertId].sort();
    await waitFor(
      async () =>
        (await sql("SELECT 1 FROM liaison_alert WHERE alert_id = $1 AND status = 'acknowledged'", [facSecond.alertId]))
          .length === 1
          ? true
          : undefined,
      {
        timeoutMs: 15_000,
        description: "the psychiatrist's acknowledgement to reach the facilitator's copy of the second alert",
      },
    );
    const pending = await sql<{ alert_id: string; due: Date; level: number }>(
      'SELECT alert_id, escalation_due_at AS due, escalation_level AS level FROM liaison_alert WHERE escalation_due_at IS NOT NULL ORDER BY alert_id',
    );
    expect(pending.map((p) => [p.alert_id, p.level])).toEqual(open.map((id) => [id, 0]));
    expect(pending[0]!.due.getTime()).toBeGreaterThan(Date.now()); // still pending when the process dies

    await liaison!.kill9();
    liaison = await startLiaison();

    // Each open alert climbs to the next person in the care team: the psychiatrist's to the facilitator and back.
    await waitFor(
      async () => {
        const [facInbox, psyInbox] = await Promise.all([inbox(fac), inbox(psy)]);
        return facInbox.some((a) => a.alertId === firstAlerts!.psy.alertId && a.escalationLevel === 1) &&
          psyInbox.some((a) => a.alertId === firstAlerts!.fac.alertId && a.escalationLevel === 1)
          ? true
          : undefined;
      },
      { timeoutMs: 45_000, description: 'both open alerts to escalate once after the restart' },
    );
    const escalations = await sql<{ stream_id: string; n: string }>(
      "SELECT stream_id, count(*) AS n FROM event_store.events WHERE type = 'AlertEscalated' GROUP BY stream_id ORDER BY stream_id",
    );
    expect(escalations).toEqual(
      open.map((id) => ({ stream_id: `alert-${id}`, n: '1' })).sort((a, b) => a.stream_id.localeCompare(b.stream_id)),
    );
    // No timer is left to fire, and the acknowledged alerts never escalated.
    expect(await sql('SELECT alert_id FROM liaison_alert WHERE escalation_due_at IS NOT NULL')).toEqual([]);
    const acknowledged = await sql<{ alert_id: string; status: string; level: number }>(
      'SELECT alert_id, status, escalation_level AS level FROM liaison_alert WHERE alert_id = ANY($1) ORDER BY alert_id',
      [[facSecond.alertId, secondPsyAlert!.alertId]],
    );
    expect(acknowledged.map((a) => [a.status, a.level])).toEqual([
      ['acknowledged', 0],
      ['acknowledged', 0],
    ]);
    expect(await countEvents('AlertRaised')).toBe(4); // the replay after the restart raised nothing again
  });
});
