import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { fixtures, GroupFormed, Topics } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, waitFor, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';

jest.setTimeout(150_000);

const member = `mbr_e2e_liaison_${randomUUID().slice(0, 8)}`;
const psy = 'clin_e2e_psy_01';
const fac = 'clin_e2e_fac_01';
const group = 'grp_e2e_liaison_depression';
/** A 22-year-old with mild symptoms: screening places them; the antidepressant alert is critical (< 25). */
const screeningFacts = { age: 22, conditions: ['depression'], phq9: { total: 8, item9: 0 }, gad7: 5, pcl5: 10, ptsdDiagnosis: false, highImpulsivity: false, acutePsychogenicDisorder: false, suicidalOrHomicidalIntent: false, psychosisOrAcuteMania: false };
/** Critical alerts escalate after 0.2 min (12 s): long enough to kill and restart before it fires. */
const ESCALATE_CRITICAL_MINUTES = 0.2;

interface AlertView {
  alertId: string;
  recipientId: string | null;
  severity: string;
  status: string;
  summary: string;
  escalationLevel: number;
}

/**
 * Enrollment and clinician-liaison as separate processes from dist/ on one Kafka-protocol cluster,
 * each with its own database: a 22-year-old member is enrolled through enrollment's REST, started on
 * sertraline through liaison's REST, and the psychiatrist and facilitator alerts appear once. Then
 * liaison is killed -9 while the escalation timer is pending; after a restart it fires exactly once.
 */
describe('enrollment → Kafka → clinician-liaison alerts (processes)', () => {
  let kafka: KafkaCluster | undefined;
  let enrollmentDb: TestDatabase | undefined;
  let liaisonDb: TestDatabase | undefined;
  let enrollment: ServiceProcess | undefined;
  let liaison: ServiceProcess | undefined;

  const common = () => ({ KAFKA_BROKERS: kafka!.brokers.join(','), KAFKA_TOPICS_AUTO_CREATED: 'true', KAFKA_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'info' });
  const startLiaison = () =>
    startServiceProcess({
      app: 'clinician-liaison',
      env: { ...common(), DATABASE_URL: liaisonDb!.url, LIAISON_TIMER_POLL_MS: '250', LIAISON_ESCALATE_CRITICAL_MINUTES: String(ESCALATE_CRITICAL_MINUTES) },
      startTimeoutMs: 60_000,
    });

  async function sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: liaisonDb!.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async function call(base: string, method: string, path: string, body?: unknown, clinician?: string) {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(clinician ? { 'x-clinician-id': clinician } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as unknown };
  }
  const liaisonCall = (method: string, path: string, body?: unknown, clinician?: string) => call(liaison!.url, method, path, body, clinician);
  const inbox = async (clinician: string) => (await liaisonCall('GET', `/api/liaison/clinicians/${clinician}/alerts?memberId=${member}`)).body as AlertView[];
  const countEvents = async (type: string) => Number((await sql<{ n: string }>('SELECT count(*) AS n FROM event_store.events WHERE type = $1', [type]))[0]!.n);

  async function publishGroupFormed() {
    const producer = createProducer(createKafka({ clientId: 'liaison-e2e-scheduling', brokers: kafka!.brokers }));
    await producer.connect();
    try {
      const formed = GroupFormed.parse({
        ...fixtures.GroupFormed,
        eventId: randomUUID(),
        subject: group,
        payload: { ...(fixtures.GroupFormed as { payload: object }).payload, groupId: group, groupType: 'disease-specific', condition: 'depression', seats: 8, openness: 'open', modality: 'online', cadence: 'weekly', ageBand: { min: 18, max: 30 }, firstSessionAt: '2030-01-07T17:00:00.000Z' },
      });
      await producer.send({ topic: Topics.scheduling, acks: -1, messages: [{ key: group, value: JSON.stringify(formed) }] });
    } finally {
      await producer.disconnect();
    }
  }

  beforeAll(async () => {
    kafka = await startKafka();
    [enrollmentDb, liaisonDb] = await Promise.all([createTestDatabase('e2e_liaison_enrollment'), createTestDatabase('e2e_liaison')]);
    // Each is assigned as soon as it runs, so afterAll stops it even when the other fails to start.
    await Promise.all([
      startServiceProcess({ app: 'enrollment', env: { ...common(), DATABASE_URL: enrollmentDb.url }, startTimeoutMs: 60_000 }).then((p) => (enrollment = p)),
      startLiaison().then((p) => (liaison = p)),
    ]);
  });

  afterAll(async () => {
    await Promise.all([enrollment?.kill9(), liaison?.kill9()]);
    await Promise.all([enrollmentDb?.drop(), liaisonDb?.drop()]);
    await kafka?.stop();
  });

  it('alerts the psychiatrist (critical) and the facilitator (minimum necessary) once for a sertraline start after enrolment', async () => {
    // The care team and the member's profile (22 years old, no consent to share drug details with the facilitator).
    expect((await liaisonCall('PUT', `/api/liaison/members/${member}/profile`, { birthDate: '2004-01-15', cohort: 'general', shareMedicationDetailsWithFacilitator: false, part2Consent: false })).status).toBe(200);
    for (const [clinicianId, role] of [[psy, 'attending-psychiatrist'], [fac, 'facilitator']] as const) {
      expect((await liaisonCall('PUT', `/api/liaison/members/${member}/care-team`, { clinicianId, role })).status).toBe(200);
    }

    // Scheduling forms the group (its GroupFormed on the bus); the member is referred, screened,
    // consents and is enrolled through enrollment's REST; the enrolment reaches liaison over Kafka.
    await publishGroupFormed();
    await waitFor(async () => ((await call(enrollment!.url, 'GET', `/api/enrollment/groups/${group}`)).status === 200 ? true : undefined), {
      timeoutMs: 45_000,
      description: "the group to reach enrollment's catalogue",
    });
    const referralId = randomUUID();
    const referral = { referralId, memberId: member, referringClinicianId: psy, wantedGroupType: 'disease-specific', wantedCondition: 'depression', modalityPreference: 'online', memberRole: 'patient', screeningFacts };
    expect((await call(enrollment!.url, 'POST', '/api/enrollment/referrals', referral)).status).toBe(202);
    for (const kind of ['treatment', 'confidentiality-agreement']) {
      const consent = { kind, agreementVersion: '2026-01', sharingScope: ['psychiatrist'], recordedBy: 'staff_e2e_01', signedAt: '2026-03-01T10:00:00Z' };
      expect((await call(enrollment!.url, 'POST', `/api/enrollment/referrals/${referralId}/consents`, consent)).status).toBe(202);
    }
    expect((await call(enrollment!.url, 'POST', `/api/enrollment/groups/${group}/enrolments`, { referralId })).status).toBe(202);
    await waitFor(async () => ((await countEvents('ExternalFactRecorded')) >= 1 ? true : undefined), { timeoutMs: 60_000, description: 'the enrolment to reach clinician-liaison over Kafka' });

    const sertraline = { medicationId: 'med_e2e_1', rxnormCode: '36437', name: 'sertraline', dailyDose: 50, doseUnit: 'mg', route: 'oral', frequency: 'daily', prescriberId: psy };
    expect((await liaisonCall('POST', `/api/liaison/members/${member}/medications`, sertraline)).status).toBe(202);
    expect((await liaisonCall('POST', `/api/liaison/members/${member}/medications`, sertraline)).body).toEqual({ changed: false, classification: 'classified' }); // a retried request

    const [psyAlerts, facAlerts] = await waitFor(
      async () => {
        const found = await Promise.all([inbox(psy), inbox(fac)]);
        return found.every((alerts) => alerts.length >= 1) ? found : undefined;
      },
      { timeoutMs: 30_000, description: "the psychiatrist's and the facilitator's alerts" },
    );
    expect(psyAlerts).toEqual([expect.objectContaining({ recipientId: psy, severity: 'critical', escalationLevel: 0, summary: expect.stringMatching(/sertraline/) })]);
    expect(facAlerts).toEqual([expect.objectContaining({ recipientId: fac, severity: 'critical', escalationLevel: 0 })]);
    expect(facAlerts[0]!.summary).not.toMatch(/sertraline|\d+\s*mg/i);
    expect(await countEvents('AlertRaised')).toBe(2);
  });

  it('fires a pending escalation exactly once after a kill -9 and restart, and not for the acknowledged alert', async () => {
    const [psyAlert] = await inbox(psy);
    const [facAlert] = await inbox(fac);
    // The facilitator acknowledges; the psychiatrist's alert stays open with its timer pending.
    expect((await liaisonCall('POST', `/api/liaison/alerts/${facAlert!.alertId}/acknowledgement`, { outcome: 'accepted' }, fac)).status).toBe(200);
    const pending = await sql<{ due: Date; level: number }>('SELECT escalation_due_at AS due, escalation_level AS level FROM liaison_alert WHERE alert_id = $1', [psyAlert!.alertId]);
    expect(pending).toEqual([{ due: expect.any(Date), level: 0 }]);
    expect(pending[0]!.due.getTime()).toBeGreaterThan(Date.now()); // still pending when the process dies

    await liaison!.kill9();
    liaison = await startLiaison();

    await waitFor(async () => ((await countEvents('AlertEscalated')) >= 1 ? true : undefined), { timeoutMs: 60_000, description: "the psychiatrist's alert to escalate after the restart" });
    // The facilitator is next in the chain: the escalated alert is now in their inbox too.
    const escalated = await waitFor(async () => (await inbox(fac)).find((a) => a.alertId === psyAlert!.alertId && a.escalationLevel === 1), {
      timeoutMs: 15_000,
      description: "the escalated alert in the facilitator's inbox",
    });
    expect(escalated.status).toBe('raised');
    const polls = await sql<{ n: string }>('SELECT count(*) AS n FROM liaison_alert WHERE escalation_due_at IS NOT NULL');
    expect(polls[0]!.n).toBe('0'); // no timer left to fire: nothing could escalate again
    const escalations = await sql<{ stream_id: string; n: string }>("SELECT stream_id, count(*) AS n FROM event_store.events WHERE type = 'AlertEscalated' GROUP BY stream_id");
    expect(escalations).toEqual([{ stream_id: `alert-${psyAlert!.alertId}`, n: '1' }]);
    expect(await countEvents('AlertRaised')).toBe(2); // the replay after restart raised nothing again
  });
});
