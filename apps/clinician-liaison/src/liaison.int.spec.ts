import type { ServerKafka } from '@nestjs/microservices';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import { fixtures, Topics } from '@carecircle/contracts';
import { assertEveryTopicHasHandler, createKafka, createProducer } from '@carecircle/platform/messaging';
import { bootstrapService, connectKafkaConsumer } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, waitFor, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { AppModule } from './app.module';
import { LIAISON_SUBSCRIPTIONS } from './consumers/member-facts.kafka.controller';
import { liaisonDomainErrors } from './service-options';

jest.setTimeout(120_000);

const member = 'mbr_int_liaison_0001';
const psy = 'clin_int_psy_01';
const fac = 'clin_int_fac_01';
const phys = 'clin_int_phys_01';

/**
 * The liaison service in-process on real PostgreSQL and a Kafka-protocol broker: facts from
 * enrollment's topic, a medication by REST, rules in order, alerts raised once, CDS Hooks cards,
 * acknowledgement rules, and escalation timers that fire once per level across a restart.
 */
describe('clinician-liaison (integration)', () => {
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let app: INestApplication | undefined;
  let url = '';
  let producer: Producer | undefined;
  const saved = { ...process.env };

  async function start() {
    let server: ServerKafka | undefined;
    app = await bootstrapService({
      name: 'clinician-liaison',
      rootModule: AppModule,
      port: 0,
      domainErrors: liaisonDomainErrors,
      configure: (a) => {
        server = connectKafkaConsumer(a, 'clinician-liaison');
      },
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    return server!;
  }

  async function sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  const http = async (method: string, path: string, body?: unknown, clinician?: string) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(clinician ? { 'x-clinician-id': clinician } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as any };
  };
  const alertsOf = () => sql<{ alert_id: string; recipient_id: string; severity: string; summary: string; status: string; escalation_level: number }>(
    "SELECT alert_id, recipient_id, severity, summary, status, escalation_level FROM liaison_alert WHERE member_id = $1 AND rule = 'antidepressant-change' ORDER BY raised_at, recipient_role",
    [member],
  );

  beforeAll(async () => {
    kafka = await startKafka();
    db = await createTestDatabase('liaison_int');
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      LOG_LEVEL: 'error',
      LIAISON_TIMER_POLL_MS: '200',
      LIAISON_ESCALATE_CRITICAL_MINUTES: '0',
    });
    producer = createProducer(createKafka({ clientId: 'liaison-int-test', brokers: kafka.brokers }));
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  it('has exactly one handler for each topic it subscribes to', async () => {
    const server = await start();
    expect(() => assertEveryTopicHasHandler(server, [...LIAISON_SUBSCRIPTIONS])).not.toThrow();
  });

  it('raises one critical alert to the psychiatrist and a minimum-necessary one to the facilitator, once, then a second pair on a dose change', async () => {
    expect((await http('PUT', `/api/liaison/members/${member}/profile`, { birthDate: '2004-01-15', cohort: 'general', shareMedicationDetailsWithFacilitator: false, part2Consent: false })).status).toBe(200);
    for (const [clinicianId, role] of [[psy, 'attending-psychiatrist'], [fac, 'facilitator'], [phys, 'physician']]) {
      expect((await http('PUT', `/api/liaison/members/${member}/care-team`, { clinicianId, role })).status).toBe(200);
    }
    const enrolled = { ...fixtures.MemberEnrolled, subject: member, payload: { ...fixtures.MemberEnrolled.payload, groupId: 'grp_depression_int' } };
    const message = { key: member, value: JSON.stringify(enrolled) };
    await producer!.send({ topic: Topics.enrollment, acks: -1, messages: [message, message] }); // redelivered
    await waitFor(async () => (await sql<{ n: string }>("SELECT count(*) AS n FROM event_store.events WHERE type = 'ExternalFactRecorded'"))[0]!.n === '1' || undefined, {
      timeoutMs: 60_000,
      description: 'the enrolment fact to be recorded from Kafka',
    });

    const medication = { medicationId: 'med_int_1', rxnormCode: '36437', name: 'sertraline', dailyDose: 50, doseUnit: 'mg', route: 'oral', frequency: 'daily', prescriberId: psy };
    expect((await http('POST', `/api/liaison/members/${member}/medications`, medication)).body).toEqual({ changed: true, classification: 'classified' });
    expect((await http('POST', `/api/liaison/members/${member}/medications`, medication)).body).toEqual({ changed: false, classification: 'classified' });
    const first = await waitFor(async () => ((await alertsOf()).length >= 2 ? alertsOf() : undefined), { timeoutMs: 20_000, description: 'two alerts for the sertraline start' });
    expect(first.map((a) => [a.recipient_id, a.severity])).toEqual([[psy, 'critical'], [fac, 'critical']]);
    expect(first[0]!.summary).toMatch(/sertraline/);
    expect(first[1]!.summary).not.toMatch(/sertraline|mg/i);

    expect((await http('PUT', `/api/liaison/members/${member}/medications/med_int_1/dose`, { dailyDose: 100, doseUnit: 'mg', frequency: 'daily', prescriberId: psy })).status).toBe(202);
    await waitFor(async () => ((await alertsOf()).length >= 4 ? true : undefined), { timeoutMs: 20_000, description: 'a second pair of alerts for the dose change' });
    expect(await alertsOf()).toHaveLength(4);
  });

  it('answers CDS Hooks discovery, patient-view with open alerts as cards, and order-select for a draft order', async () => {
    const discovery = await http('GET', '/cds-services');
    expect(discovery.body.services.map((s: { hook: string }) => s.hook)).toEqual(['patient-view', 'order-select', 'order-sign', 'appointment-book']);
    const view = await http('POST', '/cds-services/carecircle-open-alerts', { hook: 'patient-view', hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', context: { userId: `Practitioner/${psy}`, patientId: member } });
    expect(view.status).toBe(200);
    expect(view.body.cards.length).toBeGreaterThanOrEqual(1);
    for (const card of view.body.cards) {
      expect(card.summary.length).toBeLessThan(140);
      expect(['info', 'warning', 'critical']).toContain(card.indicator);
      expect(card.source.label).toBe('CareCircle clinician liaison');
    }
    const draft = {
      hook: 'order-select',
      hookInstance: 'a1b2c3d4-0000-4000-8000-000000000001',
      context: {
        userId: `Practitioner/${psy}`,
        patientId: member,
        selections: ['MedicationRequest/draft-1'],
        draftOrders: { resourceType: 'Bundle', entry: [{ resource: { resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '10689', display: 'tramadol' }] } } }] },
      },
    };
    const select = await http('POST', '/cds-services/carecircle-medication-select', draft);
    expect(select.body.cards.map((c: { indicator: string; summary: string }) => c.summary)).toEqual([expect.stringMatching(/serotonin syndrome/)]);
    expect(await sql('SELECT 1 FROM event_store.events WHERE data::text LIKE $1', ['%draft-1%'])).toEqual([]); // nothing stored
    expect((await http('POST', '/cds-services/carecircle-open-alerts', { hook: 'patient-view', context: {} })).status).toBe(400);
  });

  it("refuses someone else's acknowledgement with 403, accepts the recipient's, and escalates unacknowledged alerts once per level across a restart", async () => {
    const [psyAlert] = await alertsOf();
    expect((await http('POST', `/api/liaison/alerts/${psyAlert!.alert_id}/acknowledgement`, { outcome: 'accepted' }, 'clin_int_stranger')).status).toBe(403);
    expect((await http('POST', `/api/liaison/alerts/${psyAlert!.alert_id}/acknowledgement`, { outcome: 'overridden' }, psy)).status).toBe(422);
    expect((await http('POST', `/api/liaison/alerts/${psyAlert!.alert_id}/acknowledgement`, { outcome: 'sideways' }, psy)).status).toBe(400);
    expect((await http('POST', `/api/liaison/alerts/${psyAlert!.alert_id}/acknowledgement`, { outcome: 'accepted' }, psy)).status).toBe(200);

    // Critical alerts escalate after 0 minutes here: the unacknowledged ones climb the care team.
    await waitFor(async () => ((await alertsOf()).filter((a) => a.escalation_level >= 1).length >= 3 ? true : undefined), { timeoutMs: 20_000, description: 'unacknowledged alerts to escalate' });
    await app!.close();
    app = undefined;
    await start();
    await waitFor(async () => ((await alertsOf()).every((a) => a.status === 'acknowledged' || a.escalation_level >= 2) ? true : undefined), { timeoutMs: 20_000, description: 'escalations to finish after the restart' });
    const escalations = await sql<{ stream_id: string; level: number; n: string }>(
      "SELECT stream_id, (data->>'level')::int AS level, count(*) AS n FROM event_store.events WHERE type = 'AlertEscalated' GROUP BY 1, 2",
    );
    expect(escalations.length).toBeGreaterThan(0);
    expect(escalations.every((e) => e.n === '1')).toBe(true);
    // Acknowledged: its timer is cleared, so it escalates no further.
    const timers = await sql<{ due: Date | null; status: string }>('SELECT escalation_due_at AS due, status FROM liaison_alert WHERE alert_id = $1', [psyAlert!.alert_id]);
    expect(timers).toEqual([{ due: null, status: 'acknowledged' }]);
  });
});
