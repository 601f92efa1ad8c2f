import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { Client } from 'pg';
import { ACUTE_DISTRESS_CODING, Topics } from '@carecircle/contracts';
import { createKafka } from '@carecircle/platform/messaging';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  groupDetails,
  httpJson,
  startKafka,
  waitFor,
  waitForCatalogue,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { putTransaction } from '../../apps/gateway/src/testing/fhir-bundles';
import { clientKeyPair, FHIR_JSON_TYPE, requestToken } from '../../apps/gateway/src/testing/gateway-harness';

/**
 * Clinical safety through FHIR alone (issue 18): the EHR sends FHIR to the gateway with its SMART backend
 * token; the alerts come back out as FHIR Communications (and CDS Hooks cards). One test per rule, each
 * naming the severity (Communication.priority: stat critical, urgent warning, routine info) and the
 * recipient, exactly once after the same FHIR is sent again, and nothing where nothing is due.
 * CareCircle's own staff act only where the workflow is theirs (placing a referred member in a group).
 * Real processes: gateway, enrollment, scheduling and clinician-liaison, PostgreSQL, a Kafka-protocol broker.
 */
const RUN = randomUUID().slice(0, 8);
const PUBLIC_URL = 'http://gateway.e2e.test';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const GROUP = `grp_e2e_rules_${RUN}`;
const PSYCHIATRIST = `Practitioner/e2e-psychiatrist-${RUN}`;
const DAY_MS = 86_400_000;
const PRIORITY = { critical: 'stat', warning: 'urgent', info: 'routine' } as const;

type Resource = { resourceType: string; id: string } & Record<string, unknown>;
interface Communication {
  id: string;
  priority: string;
  topic: { coding: { code: string }[] };
  recipient?: { identifier: { value: string } }[];
  payload: { contentString: string }[];
}
interface Published {
  event: { type: string; subject: string; payload: Record<string, unknown> & { resourceId: string } };
}

type Service = 'gateway' | 'enrollment' | 'scheduling' | 'liaison';
const SERVICES: readonly Service[] = ['gateway', 'enrollment', 'scheduling', 'liaison'];

describe("coordination rules from the EHR's FHIR alone: FHIR in, FHIR Communications and CDS cards out", () => {
  let kafka: KafkaCluster | undefined;
  const dbs: Partial<Record<Service, TestDatabase>> = {};
  const processes: Partial<Record<Service, ServiceProcess>> = {};
  let liaisonSql: Client | undefined;
  let consumer: Consumer | undefined;
  const published: Published[] = [];
  let token = '';
  let sequence = 0;

  const gateway = () => httpJson(processes.gateway!.url, { authorization: `Bearer ${token}` });
  const fhirPost = async (bundle: unknown, correlationId: string = randomUUID()) => {
    const response = await fetch(`${processes.gateway!.url}/fhir/R4`, {
      method: 'POST',
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${token}`, 'x-correlation-id': correlationId },
      body: JSON.stringify(bundle),
    });
    const body = (await response.json()) as { entry?: { response: { status: string } }[]; issue?: unknown };
    if (response.status !== 200)
      throw new Error(`POST /fhir/R4 answered ${response.status}: ${JSON.stringify(body).slice(0, 400)}`);
    return body;
  };
  const communications = async (patientId: string) => {
    const answer = await gateway().get<{ entry?: { resource: Communication }[] }>(
      `/fhir/R4/Communication?patient=Patient/${patientId}&_count=100`,
    );
    expect(answer.status).toBe(200);
    return (answer.body.entry ?? []).map((entry) => entry.resource);
  };
  const ofRule = (all: readonly Communication[], rule: string) =>
    all.filter((c) => c.topic.coding.some((coding) => coding.code === rule));
  const waitForRule = (patientId: string, rule: string, copies = 1) =>
    waitFor(
      async () => {
        const found = ofRule(await communications(patientId), rule);
        return found.length >= copies ? found : undefined;
      },
      {
        timeoutMs: 45_000,
        intervalMs: 300,
        description: `a ${rule} Communication (${copies} cop${copies === 1 ? 'y' : 'ies'}) for Patient/${patientId}`,
      },
    );
  /**
   * A barrier for one member: a later, harmless fact liaison records (an order for a product no rule is
   * about). Kafka keeps one member's facts in order, so once liaison has handled it, it has handled
   * anything sent before it.
   */
  const barrier = async (patientId: string) => {
    const correlationId = `e2e-barrier-${randomUUID()}`;
    await fhirPost(
      putTransaction({
        ...medicationRequest(patientId, 'barrier', '312938', undefined),
        id: `${patientId}-barrier-${++sequence}`,
      }),
      correlationId,
    );
    await waitFor(
      async () =>
        Number(
          (
            await liaisonSql!.query<{ n: string }>(
              `SELECT count(*) AS n FROM event_store.events WHERE metadata->>'correlationId' = $1`,
              [correlationId],
            )
          ).rows[0]!.n,
        ) > 0,
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        description: `clinician-liaison to handle the barrier for Patient/${patientId}`,
      },
    );
  };

  /** Sends the same FHIR again, then a barrier: the rule's alert is still there exactly `copies` times. */
  const expectOnceAfterResend = async (patientId: string, resources: Resource[], rule: string, copies = 1) => {
    await fhirPost(putTransaction(...resources));
    await barrier(patientId);
    expect(ofRule(await communications(patientId), rule)).toHaveLength(copies);
  };

  /** A patient of the EHR with a psychiatrist on their care team (CareTeam with a participant period). */
  const newPatient = (birthDate: string) => {
    const id = `e2e-${RUN}-${++sequence}`;
    const resources: Resource[] = [
      {
        resourceType: 'Patient',
        id,
        active: true,
        birthDate,
        name: [{ family: 'Synthetic', given: [`Rule${sequence}`] }],
      },
      {
        resourceType: 'CareTeam',
        id: `${id}-team`,
        status: 'active',
        subject: { reference: `Patient/${id}` },
        participant: [
          {
            role: [{ coding: [{ system: SNOMED, code: '80584001', display: 'Psychiatrist' }] }],
            member: { reference: PSYCHIATRIST },
            period: { start: '2026-01-01', end: '2030-12-31' },
          },
        ],
      },
    ];
    return { id, resources };
  };

  /** The EHR refers the patient (ServiceRequest and screening scores) and records both consents; CareCircle's staff place them. */
  const referAndPlace = async (patientId: string) => {
    const subject = { reference: `Patient/${patientId}` };
    const signed = '2026-11-01T10:00:00Z';
    await fhirPost(
      putTransaction(
        {
          resourceType: 'ServiceRequest',
          id: `${patientId}-referral`,
          status: 'active',
          intent: 'order',
          code: { coding: [{ system: SNOMED, code: '1259213000' }] },
          subject,
          requester: { reference: PSYCHIATRIST },
          authoredOn: signed,
        },
        observation(patientId, '44261-6', 8, signed),
        observation(patientId, '44260-8', 0, signed, 'item9'),
        observation(patientId, '70274-6', 5, signed),
        consent(patientId, 'treatment', 'active'),
        consent(patientId, 'confidentiality', 'active'),
      ),
    );
    const referralId = await waitFor(
      () =>
        published.find((m) => m.event.type === 'ReferralRequested' && m.event.subject === memberIds.get(patientId))
          ?.event.payload.resourceId,
      {
        timeoutMs: 15_000,
        description: `the referral of Patient/${patientId} on the ingest topic`,
      },
    );
    await waitFor(
      async () => {
        const answer = await httpJson(processes.enrollment!.url).post(`/api/enrollment/groups/${GROUP}/enrolments`, {
          referralId,
        });
        return answer.status === 202 ? true : undefined;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 500,
        description: `enrollment to place Patient/${patientId} (screened, both FHIR consents recorded)`,
      },
    );
    // In the group as clinician-liaison sees it (its facilitator is the one told), before the test's own FHIR.
    await waitFor(
      async () => {
        const joined = await liaisonSql!.query(
          `SELECT 1 FROM event_store.events WHERE stream_id = $1 AND data->'fact'->>'kind' = 'group-joined'`,
          [`coordination-${memberIds.get(patientId)}`],
        );
        return joined.rowCount ? true : undefined;
      },
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        description: `clinician-liaison to learn that Patient/${patientId} joined ${GROUP}`,
      },
    );
  };
  const memberIds = new Map<string, string>();
  const admit = async (patient: { id: string; resources: Resource[] }) => {
    await fhirPost(putTransaction(...patient.resources));
    const memberId = await waitFor(
      // Patients are admitted one at a time: the member is the subject of the one care team not yet seen.
      () =>
        published.find((m) => m.event.type === 'CareTeamUpdated' && ![...memberIds.values()].includes(m.event.subject))
          ?.event.subject,
      { timeoutMs: 15_000, description: `the member of Patient/${patient.id}` },
    );
    memberIds.set(patient.id, memberId);
    return memberId;
  };

  beforeAll(async () => {
    kafka = await startKafka();
    const created = await Promise.all(SERVICES.map((service) => createTestDatabase(`rules_fhir_${service}`)));
    SERVICES.forEach((service, index) => (dbs[service] = created[index]));
    const key = await clientKeyPair();
    const common = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'info',
    };
    // The four services first: the gateway is told where they answer (its console and CDS Hooks call them).
    [processes.enrollment, processes.scheduling, processes.liaison] = await Promise.all([
      startServiceProcess({
        app: 'enrollment',
        withTracing: false,
        startTimeoutMs: 60_000,
        env: { ...common, DATABASE_URL: dbs.enrollment!.url },
      }),
      startServiceProcess({
        app: 'scheduling',
        withTracing: false,
        startTimeoutMs: 60_000,
        env: { ...common, DATABASE_URL: dbs.scheduling!.url },
      }),
      startServiceProcess({
        app: 'clinician-liaison',
        withTracing: false,
        startTimeoutMs: 60_000,
        env: { ...common, DATABASE_URL: dbs.liaison!.url },
      }),
    ]);
    processes.gateway = await startServiceProcess({
      app: 'gateway',
      withTracing: false,
      startTimeoutMs: 60_000,
      env: {
        ...common,
        DATABASE_URL: dbs.gateway!.url,
        GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 7).toString('base64'),
        GATEWAY_PUBLIC_URL: PUBLIC_URL,
        SMART_CLIENTS: JSON.stringify([{ clientId: 'ehr-rules-e2e', scope: 'system/*.cruds', jwks: key.jwks }]),
        ENROLLMENT_URL: processes.enrollment.url,
        SCHEDULING_URL: processes.scheduling.url,
        CLINICIAN_LIAISON_URL: processes.liaison.url,
      },
    });
    const response = await requestToken(
      `${processes.gateway!.url}/auth/token`,
      'ehr-rules-e2e',
      'system/*.cruds',
      key.privateKey,
      `${PUBLIC_URL}/auth/token`,
    );
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
    liaisonSql = new Client({ connectionString: dbs.liaison!.url });
    await liaisonSql.connect();
    consumer = createKafka({ clientId: 'rules-fhir-e2e', brokers: kafka.brokers }).consumer({
      groupId: `rules-fhir-e2e-${RUN}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topics: [Topics.gatewayIngest, Topics.enrollment], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void published.push({ event: JSON.parse(String(message.value)) as Published['event'] }),
    });
    // The group the placed members join: formed in scheduling (its facilitator fac_e2e_01), known to enrollment.
    const formed = await httpJson(processes.scheduling!.url).post('/api/scheduling/groups', {
      ...groupDetails(GROUP),
      firstSessionAt: new Date(Math.ceil((Date.now() - 2 * DAY_MS) / 3_600_000) * 3_600_000).toISOString(),
    });
    expect(formed.status).toBe(202);
    await waitForCatalogue(processes.enrollment!.url, [GROUP], 30_000);
  }, 180_000);

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await liaisonSql?.end().catch(() => undefined);
    await Promise.all(Object.values(processes).map((process) => process.kill9()));
    await Promise.all(Object.values(dbs).map((db) => db.drop()));
    await kafka?.stop();
  }, 30_000);

  it('PHQ-9 item 9 above 0 as an Observation: critical to the psychiatrist, a CDS card and a Task, once (the same answer again and in a QuestionnaireResponse alerts no more)', async () => {
    const patient = newPatient('1981-03-14');
    await admit(patient);
    const answer = observation(patient.id, '44260-8', 2, new Date().toISOString(), 'item9-positive');
    await fhirPost(putTransaction(answer));
    const [alert] = await waitForRule(patient.id, 'suicidal-ideation');
    expect(alert!.priority).toBe(PRIORITY.critical);
    expect(alert!.recipient?.[0]?.identifier.value).toMatch(/^clin_/);
    expect(alert!.payload[0]!.contentString).toMatch(/attending psychiatrist/);
    const tasks = await gateway().get<{ entry?: { resource: { status: string; priority: string } }[] }>(
      `/fhir/R4/Task?patient=Patient/${patient.id}`,
    );
    expect(tasks.body.entry?.map((entry) => entry.resource)).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 'requested', priority: 'stat' })]),
    );
    const cards = await gateway().post<{ cards: { indicator: string; summary: string }[] }>(
      '/cds-services/carecircle-open-alerts',
      {
        hook: 'patient-view',
        hookInstance: randomUUID(),
        context: { userId: PSYCHIATRIST, patientId: patient.id },
      },
    );
    expect(cards.status).toBe(200);
    expect(cards.body.cards.filter((card) => card.indicator === 'critical')).toHaveLength(1);
    await expectOnceAfterResend(patient.id, [answer], 'suicidal-ideation');
  });

  it('an antidepressant started at 22 (age from Patient.birthDate) while in a group: critical to the psychiatrist and the facilitator; at 40, a warning', async () => {
    const young = newPatient(yearsAgo(22));
    const older = newPatient(yearsAgo(40));
    for (const patient of [young, older]) {
      await admit(patient);
      await referAndPlace(patient.id);
    }
    for (const patient of [young, older])
      await fhirPost(putTransaction(medicationRequest(patient.id, 'sertraline', '36437', { mg: 50, timesPerDay: 1 })));
    const youngCopies = await waitForRule(young.id, 'antidepressant-change', 2);
    expect(youngCopies.map((c) => c.priority)).toEqual([PRIORITY.critical, PRIORITY.critical]);
    expect(youngCopies.map((c) => c.recipient?.[0]?.identifier.value.slice(0, 4)).sort()).toEqual(['clin', 'fac_']);
    const olderCopies = await waitForRule(older.id, 'antidepressant-change', 2);
    expect(olderCopies.map((c) => c.priority)).toEqual([PRIORITY.warning, PRIORITY.warning]);
    await expectOnceAfterResend(
      young.id,
      [medicationRequest(young.id, 'sertraline', '36437', { mg: 50, timesPerDay: 1 })],
      'antidepressant-change',
      2,
    );
  });

  it('an opioid with a benzodiazepine: a warning to the prescriber, once; a benzodiazepine alone raises nothing', async () => {
    const patient = newPatient('1970-06-01');
    await admit(patient);
    await fhirPost(putTransaction(medicationRequest(patient.id, 'lorazepam', '6470', { mg: 1, timesPerDay: 2 })));
    await barrier(patient.id);
    expect(await communications(patient.id)).toEqual([]);
    const opioid = medicationRequest(patient.id, 'morphine', '7052', { mg: 5, timesPerDay: 4 });
    await fhirPost(putTransaction(opioid));
    const alerts = await waitForRule(patient.id, 'opioid-cns-depressant', 2);
    expect(alerts.map((alert) => alert.priority)).toEqual([PRIORITY.warning, PRIORITY.warning]);
    // The prescriber's copy and the attending psychiatrist's (here the same person, each in their role).
    expect(alerts.map((alert) => alert.payload[0]!.contentString.replace(/.*for the /, '')).sort()).toEqual([
      'attending psychiatrist',
      'prescriber',
    ]);
    await expectOnceAfterResend(patient.id, [opioid], 'opioid-cns-depressant', 2);
  });

  it('a gabapentinoid added to an opioid at 70 (age from Patient.birthDate): the elderly severity, critical, and the same from CDS order-sign on a draftOrders Bundle', async () => {
    const patient = newPatient(yearsAgo(70));
    await admit(patient);
    await fhirPost(putTransaction(medicationRequest(patient.id, 'morphine', '7052', { mg: 5, timesPerDay: 2 })));
    await fhirPost(putTransaction(medicationRequest(patient.id, 'gabapentin', '25480', { mg: 300, timesPerDay: 3 })));
    const [alert] = await waitForRule(patient.id, 'gabapentinoid-combination');
    expect(alert!.priority).toBe(PRIORITY.critical);
    // CDS Hooks order-sign with the specification's draftOrders Bundle: the same rule, on a draft pregabalin.
    const draft = {
      ...medicationRequest(patient.id, 'pregabalin', '187832', { mg: 75, timesPerDay: 2 }),
      status: 'draft',
    };
    const signing = await gateway().post<{ cards: { indicator: string; summary: string }[] }>(
      '/cds-services/carecircle-medication-sign',
      {
        hook: 'order-sign',
        hookInstance: randomUUID(),
        context: {
          userId: PSYCHIATRIST,
          patientId: patient.id,
          draftOrders: { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] },
        },
      },
    );
    expect(signing.status).toBe(200);
    expect(signing.body.cards.filter((card) => card.indicator === 'critical').map((card) => card.summary)).toEqual([
      expect.stringMatching(/pregabalin/i),
    ]);
  });

  it('oxycodone 30 mg every 6 hours from the FHIR dosage (180 MME/day): a warning; a dose the EHR did not give: "dose unknown", info', async () => {
    const patient = newPatient('1965-09-09');
    await admit(patient);
    await fhirPost(
      putTransaction(
        medicationRequest(patient.id, 'oxycodone', '7804', { mg: 30, every: { period: 6, periodUnit: 'h' } }),
      ),
    );
    const alerts = await waitForRule(patient.id, 'opioid-dose');
    expect(alerts.map((a) => a.priority)).toContain(PRIORITY.warning);
    const unknown = newPatient('1966-10-10');
    await admit(unknown);
    await fhirPost(putTransaction(medicationRequest(unknown.id, 'oxycodone', '7804', undefined)));
    const [info] = await waitForRule(unknown.id, 'opioid-dose');
    expect(info!.priority).toBe(PRIORITY.info);
  });

  it('therapeutic overload from the EHR’s appointments (two CBT, psychiatry, palliative within 7 days, cap 3): a warning, once per window, and a CDS appointment-book card before a fifth', async () => {
    const patient = newPatient('1975-02-02');
    await admit(patient);
    await referAndPlace(patient.id);
    const base = Date.now() + 3 * DAY_MS;
    const appointments = [
      appointment(patient.id, 'cbt-1', '228557008', base),
      appointment(patient.id, 'psychiatry', '394587001', base + DAY_MS),
      appointment(patient.id, 'cbt-2', '228557008', base + 2 * DAY_MS),
      appointment(patient.id, 'palliative', '394806003', base + 3 * DAY_MS),
    ];
    await fhirPost(putTransaction(...appointments));
    const alerts = await waitForRule(patient.id, 'therapeutic-overload');
    expect(alerts.every((alert) => alert.priority === PRIORITY.warning)).toBe(true);
    const recipients = new Set(alerts.map((alert) => alert.recipient?.[0]?.identifier.value.slice(0, 4)));
    expect(recipients).toEqual(new Set(['clin', 'fac_']));
    await expectOnceAfterResend(patient.id, appointments, 'therapeutic-overload', alerts.length);
    // CDS Hooks appointment-book with the specification's Bundle of proposed appointments: the card warns
    // before a fifth contact is booked in that week; a malformed Bundle is a 400 naming the field.
    const book = (appointments: unknown) =>
      gateway().post<{ cards?: { indicator: string }[]; message?: unknown }>(
        '/cds-services/carecircle-therapeutic-load',
        {
          hook: 'appointment-book',
          hookInstance: randomUUID(),
          context: { userId: PSYCHIATRIST, patientId: patient.id, appointments },
        },
      );
    const proposed = { ...appointment(patient.id, 'cbt-3', '228557008', base + 4 * DAY_MS), status: 'proposed' };
    const booking = await book({ resourceType: 'Bundle', type: 'collection', entry: [{ resource: proposed }] });
    expect(booking.status).toBe(200);
    expect(booking.body.cards?.map((card) => card.indicator)).toContain('warning');
    const malformed = await book({ resourceType: 'Bundle', type: 'collection', entry: 'not entries' });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body)).toMatch(/appointments/);
  });

  it('acute distress reported by the EHR as a Flag: critical to the psychiatrist, once', async () => {
    const patient = newPatient('1988-12-12');
    await admit(patient);
    const flag: Resource = {
      resourceType: 'Flag',
      id: `${patient.id}-distress`,
      status: 'active',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }] }],
      code: { coding: [{ ...ACUTE_DISTRESS_CODING }] },
      subject: { reference: `Patient/${patient.id}` },
      period: { start: new Date().toISOString() },
    };
    await fhirPost(putTransaction(flag));
    const [alert] = await waitForRule(patient.id, 'acute-distress');
    expect(alert!.priority).toBe(PRIORITY.critical);
    expect(alert!.recipient?.[0]?.identifier.value).toMatch(/^clin_/);
    await expectOnceAfterResend(patient.id, [flag], 'acute-distress');
  });

  it('a palliative CarePlan from the EHR: information to the facilitator, once', async () => {
    const patient = newPatient('1950-05-05');
    await admit(patient);
    await referAndPlace(patient.id);
    const plan: Resource = {
      resourceType: 'CarePlan',
      id: `${patient.id}-palliative`,
      status: 'active',
      intent: 'plan',
      category: [{ coding: [{ system: SNOMED, code: '736373009', display: 'Palliative care plan' }] }],
      subject: { reference: `Patient/${patient.id}` },
      period: { start: new Date().toISOString().slice(0, 10) },
    };
    await fhirPost(putTransaction(plan));
    const alerts = await waitForRule(patient.id, 'palliative-transition');
    expect(alerts.every((alert) => alert.priority === PRIORITY.info)).toBe(true);
    expect(alerts.some((alert) => alert.recipient?.[0]?.identifier.value.startsWith('fac_'))).toBe(true);
    await expectOnceAfterResend(patient.id, [plan], 'palliative-transition', alerts.length);
  });

  it('a treatment Consent the EHR sets to inactive withdraws the member: the seat is freed and an antidepressant start is no longer "while in a group"', async () => {
    const patient = newPatient(yearsAgo(30));
    const memberId = await admit(patient);
    await referAndPlace(patient.id);
    await fhirPost(putTransaction(consent(patient.id, 'treatment', 'inactive')));
    await waitFor(() => published.find((m) => m.event.type === 'MemberWithdrew' && m.event.subject === memberId), {
      timeoutMs: 30_000,
      description: `enrollment to withdraw Patient/${patient.id} from ${GROUP}`,
    });
    await waitFor(
      async () =>
        (
          await liaisonSql!.query(
            `SELECT 1 FROM event_store.events WHERE stream_id = $1 AND data->'fact'->>'kind' = 'group-left'`,
            [`coordination-${memberId}`],
          )
        ).rowCount
          ? true
          : undefined,
      {
        timeoutMs: 30_000,
        intervalMs: 250,
        description: `clinician-liaison to learn that Patient/${patient.id} left ${GROUP}`,
      },
    );
    await fhirPost(putTransaction(medicationRequest(patient.id, 'sertraline', '36437', { mg: 50, timesPerDay: 1 })));
    await barrier(patient.id);
    expect(ofRule(await communications(patient.id), 'antidepressant-change')).toEqual([]);
  });

  it('nothing where nothing is due: a patient with mild scores, an NSAID and one appointment has no alert', async () => {
    const patient = newPatient('1979-07-07');
    await admit(patient);
    await fhirPost(
      putTransaction(
        observation(patient.id, '44261-6', 6, new Date().toISOString()),
        medicationRequest(patient.id, 'ibuprofen', '5640', { mg: 400, timesPerDay: 3 }),
        appointment(patient.id, 'cbt', '228557008', Date.now() + DAY_MS),
      ),
    );
    await barrier(patient.id);
    expect(await communications(patient.id)).toEqual([]);
  });
});

function observation(
  patientId: string,
  code: string,
  value: number,
  effectiveDateTime: string,
  suffix: string = code,
): Resource {
  return {
    resourceType: 'Observation',
    id: `${patientId}-${suffix}-${Date.parse(effectiveDateTime)}`,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
    code: { coding: [{ system: LOINC, code }] },
    subject: { reference: `Patient/${patientId}` },
    effectiveDateTime,
    valueInteger: value,
  };
}

function consent(patientId: string, kind: 'treatment' | 'confidentiality', status: string): Resource {
  return {
    resourceType: 'Consent',
    id: `${patientId}-consent-${kind}`,
    status,
    scope: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/consentscope',
          code: kind === 'treatment' ? 'treatment' : 'patient-privacy',
        },
      ],
    },
    category: [{ coding: [{ system: LOINC, code: kind === 'treatment' ? '59284-0' : '57016-8' }] }],
    patient: { reference: `Patient/${patientId}` },
    dateTime: '2026-11-01T10:00:00Z',
    policyRule: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'OPTIN' }] },
    provision: { type: 'permit', period: { start: '2026-11-01' } },
  };
}

type Dose = { mg: number; timesPerDay: number } | { mg: number; every: { period: number; periodUnit: string } };
function medicationRequest(patientId: string, name: string, rxnorm: string, dose: Dose | undefined): Resource {
  const timing =
    dose &&
    ('timesPerDay' in dose
      ? { repeat: { frequency: dose.timesPerDay, period: 1, periodUnit: 'd' } }
      : { repeat: { frequency: 1, ...dose.every } });
  return {
    resourceType: 'MedicationRequest',
    id: `${patientId}-${name}`,
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: RXNORM, code: rxnorm, display: name }] },
    subject: { reference: `Patient/${patientId}` },
    requester: { reference: PSYCHIATRIST },
    authoredOn: new Date().toISOString().slice(0, 10),
    ...(dose
      ? {
          dosageInstruction: [
            {
              timing,
              doseAndRate: [
                { doseQuantity: { value: dose.mg, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } },
              ],
            },
          ],
        }
      : {}),
  };
}

function appointment(patientId: string, suffix: string, serviceType: string, startMs: number): Resource {
  return {
    resourceType: 'Appointment',
    id: `${patientId}-${suffix}`,
    status: 'booked',
    serviceType: [{ coding: [{ system: SNOMED, code: serviceType }] }],
    start: new Date(startMs).toISOString(),
    end: new Date(startMs + 50 * 60_000).toISOString(),
    participant: [{ actor: { reference: `Patient/${patientId}` }, status: 'accepted' }],
  };
}

function yearsAgo(years: number): string {
  const date = new Date(Date.now() - 40 * DAY_MS);
  date.setUTCFullYear(date.getUTCFullYear() - years);
  return date.toISOString().slice(0, 10);
}
