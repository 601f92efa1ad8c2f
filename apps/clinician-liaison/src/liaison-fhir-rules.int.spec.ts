import type { INestApplication } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { Client } from 'pg';
import {
  ACUTE_DISTRESS_CODING,
  ConditionRecorded,
  fixtures,
  FlagRecorded,
  gatewayFixtures,
  MedicationOrdered,
  ObservationRecorded,
  PatientRecorded,
  TherapeuticLoadChanged,
  TherapeuticOverloadResolved,
  Topics,
} from '@carecircle/contracts';
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
import { liaisonDomainErrors } from './service-options';

jest.setTimeout(180_000);

const psy = 'clin_fhr_psy_01';
const fac = 'clin_fhr_fac_01';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** A birth date that makes the member `years` old today (a month past the birthday, so no edge of a day). */
function bornYearsAgo(years: number): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear() - years, now.getUTCMonth() - 1, 15)).toISOString().slice(0, 10);
}

/**
 * Coordination rules fed only by what the gateway publishes from FHIR (and scheduling's load), on real
 * PostgreSQL and a Kafka-protocol broker: each rule's alert, severity and recipient, exactly once.
 */
describe('clinician-liaison rules from FHIR facts (integration)', () => {
  const saved = { ...process.env };
  let kafka: KafkaCluster;
  let db: TestDatabase;
  let app: INestApplication | undefined;
  let producer: Producer | undefined;
  let url = '';
  let n = 0;
  /** A fresh event id (and resource id) per call: distinct events, like the gateway's. */
  const uuid = () => `3f0d7a52-1c2b-4e6a-9f10-${String(++n).padStart(12, '0')}`;

  async function sql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      return (await pg.query(query, params)).rows as T[];
    } finally {
      await pg.end();
    }
  }
  const http = async (method: string, path: string, body?: unknown, clinician?: string) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(clinician ? { 'x-clinician-id': clinician } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : null) as any };
  };
  const send = (topic: string, key: string, ...events: object[]) =>
    producer!.send({ topic, acks: -1, messages: events.map((e) => ({ key, value: JSON.stringify(e) })) });
  const alertsOf = (memberId: string, rule: string) =>
    sql<{ recipient_id: string | null; recipient_role: string; severity: string; summary: string }>(
      'SELECT recipient_id, recipient_role, severity, summary FROM liaison_alert WHERE member_id = $1 AND rule = $2 ORDER BY recipient_role',
      [memberId, rule],
    );
  const streamOf = (memberId: string) =>
    sql<{ type: string; data: any }>(
      'SELECT type, data FROM event_store.events WHERE stream_id = $1 ORDER BY global_position',
      [`coordination-${memberId}`],
    );
  const until = <T>(description: string, probe: () => Promise<T | undefined>) =>
    waitFor(probe, { timeoutMs: 60_000, description });

  const patient = (
    memberId: string,
    payload: Partial<typeof gatewayFixtures.PatientRecorded.payload> & { birthDate?: string },
  ) =>
    PatientRecorded.schema.parse({
      ...gatewayFixtures.PatientRecorded,
      eventId: uuid(),
      subject: memberId,
      payload: { ...gatewayFixtures.PatientRecorded.payload, resourceId: uuid(), ...payload },
    });
  const order = (memberId: string, code: string, display: string) =>
    MedicationOrdered.schema.parse({
      ...gatewayFixtures.MedicationOrdered,
      eventId: uuid(),
      subject: memberId,
      payload: {
        ...gatewayFixtures.MedicationOrdered.payload,
        resourceId: uuid(),
        medication: { codes: [{ system: RXNORM, code, display }] },
        dose: { value: 10, unit: 'mg' },
        timing: { code: 'BID' },
        requesterId: psy,
      },
    });
  const enrol = (memberId: string) => ({
    ...fixtures.MemberEnrolled,
    eventId: uuid(),
    subject: memberId,
    payload: { ...fixtures.MemberEnrolled.payload, groupId: 'grp_fhr_1', enrolledAt: new Date().toISOString() },
  });
  const careTeam = async (memberId: string) => {
    for (const [clinicianId, role] of [
      [psy, 'attending-psychiatrist'],
      [fac, 'facilitator'],
    ]) {
      expect((await http('PUT', `/api/liaison/members/${memberId}/care-team`, { clinicianId, role })).status).toBe(200);
    }
  };

  beforeAll(async () => {
    [kafka, db] = await Promise.all([startKafka(), createTestDatabase('liaison_fhir_rules')]);
    process.env = {
      ...saved,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'error',
      LIAISON_TIMER_POLL_MS: '200',
    };
    app = await bootstrapService({
      name: 'clinician-liaison',
      rootModule: AppModule,
      port: 0,
      domainErrors: liaisonDomainErrors,
      configure: (a) => {
        connectKafkaConsumer(a, 'clinician-liaison');
      },
    });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    producer = createProducer(createKafka({ clientId: 'liaison-fhir-rules-int-test', brokers: kafka.brokers }));
    await producer.connect();
  });

  afterAll(async () => {
    await producer?.disconnect();
    await app?.close();
    process.env = saved;
    await db?.drop();
    await kafka?.stop();
  });

  it('takes the age from Patient.birthDate: an antidepressant started at 22 is critical to psychiatrist and facilitator, once', async () => {
    const young = 'mbr_int_fhr_age22';
    await careTeam(young);
    await send(Topics.enrollment, young, enrol(young));
    const born = patient(young, { birthDate: bornYearsAgo(22) });
    await send(Topics.gatewayIngest, young, born, born, patient(young, { birthDate: undefined, active: true })); // redelivered, then one without a birth date
    await until('the birth date and the enrolment to be recorded', async () => {
      const types = (await streamOf(young)).map((e) => e.type);
      return types.includes('MemberBirthDateRecorded') && types.includes('ExternalFactRecorded') ? true : undefined;
    });
    await send(Topics.gatewayIngest, young, order(young, '36437', 'sertraline'));
    const raised = await until('the antidepressant alerts', async () =>
      (await alertsOf(young, 'antidepressant-change')).length >= 2
        ? alertsOf(young, 'antidepressant-change')
        : undefined,
    );
    expect(raised.map((a) => [a.recipient_role, a.recipient_id, a.severity])).toEqual([
      ['attending-psychiatrist', psy, 'critical'],
      ['facilitator', fac, 'critical'],
    ]);
    expect(raised[0]!.summary).toMatch(/under 25/);
    // Recorded once: the redelivery and the Patient without a birth date changed nothing; never a number of years.
    const births = (await streamOf(young)).filter((e) => e.type === 'MemberBirthDateRecorded');
    expect(births.map((e) => e.data)).toEqual([
      { memberId: young, birthDate: bornYearsAgo(22), recordedAt: expect.any(String) },
    ]);
  });

  it('keeps the rest of the profile (the palliative cohort) when the EHR sends the birth date', async () => {
    const palliative = 'mbr_int_fhr_profile';
    expect(
      (
        await http('PUT', `/api/liaison/members/${palliative}/profile`, {
          birthDate: '1960-01-01',
          cohort: 'palliative',
          shareMedicationDetailsWithFacilitator: true,
          part2Consent: false,
        })
      ).status,
    ).toBe(200);
    await send(Topics.gatewayIngest, palliative, patient(palliative, { birthDate: '1958-07-20' }));
    await until('the birth date to be recorded', async () =>
      (await streamOf(palliative)).some((e) => e.type === 'MemberBirthDateRecorded') ? true : undefined,
    );
    // The REST route sends the whole profile: the same one with the EHR's birth date is no change.
    expect(
      (
        await http('PUT', `/api/liaison/members/${palliative}/profile`, {
          birthDate: '1958-07-20',
          cohort: 'palliative',
          shareMedicationDetailsWithFacilitator: true,
          part2Consent: false,
        })
      ).status,
    ).toBe(200);
    expect((await streamOf(palliative)).map((e) => e.type)).toEqual([
      'MemberProfileRecorded',
      'MemberBirthDateRecorded',
    ]);
  });

  it('rates a gabapentinoid added to an opioid by the age from Patient.birthDate: critical at 70, a warning at 40', async () => {
    const rated = async (memberId: string, years: number) => {
      await careTeam(memberId);
      await send(Topics.gatewayIngest, memberId, patient(memberId, { birthDate: bornYearsAgo(years) }));
      await until('the birth date to be recorded', async () =>
        (await streamOf(memberId)).some((e) => e.type === 'MemberBirthDateRecorded') ? true : undefined,
      );
      await send(
        Topics.gatewayIngest,
        memberId,
        order(memberId, '7804', 'oxycodone'),
        order(memberId, '25480', 'gabapentin'),
      );
      const alerts = await until('the gabapentinoid alerts', async () =>
        (await alertsOf(memberId, 'gabapentinoid-combination')).length >= 2
          ? alertsOf(memberId, 'gabapentinoid-combination')
          : undefined,
      );
      return alerts.map((a) => [a.recipient_role, a.severity]);
    };
    expect(await rated('mbr_int_fhr_age70', 70)).toEqual([
      ['attending-psychiatrist', 'critical'],
      ['prescriber', 'critical'],
    ]);
    expect(await rated('mbr_int_fhr_age40', 40)).toEqual([
      ['attending-psychiatrist', 'warning'],
      ['prescriber', 'warning'],
    ]);
  });

  it("alerts therapeutic overload from scheduling's load once per episode, on the member's alerts; a resolved episode's successor alerts again", async () => {
    const busy = 'mbr_int_fhr_overload';
    await careTeam(busy);
    const week = { windowStart: '2026-03-30T22:00:00.000Z', windowEnd: '2026-04-06T22:00:00.000Z' };
    const load = (contacts: number, window = week) =>
      TherapeuticLoadChanged.schema.parse({
        ...fixtures.TherapeuticLoadChanged,
        eventId: uuid(),
        subject: busy,
        payload: {
          ...fixtures.TherapeuticLoadChanged.payload,
          memberId: busy,
          ...window,
          contacts,
          overCap: contacts > 3,
          byKind: {
            'group-session': 1,
            cbt: Math.min(2, contacts - 1),
            psychiatry: Math.max(0, contacts - 3),
            palliative: 0,
            'individual-counseling': 0,
          },
        },
      });
    const overloads = () => alertsOf(busy, 'therapeutic-overload');
    // The demo week, as scheduling publishes it: a weekly group session, two CBT sessions, then a psychiatry visit (4 of cap 3);
    // redelivered, then a second over-cap report for an overlapping window (a fifth contact).
    const fourth = load(4);
    const overlapping = load(5, { windowStart: '2026-04-01T08:00:00.000Z', windowEnd: '2026-04-08T08:00:00.000Z' });
    await send(Topics.scheduling, busy, load(1), load(2), load(3), fourth, fourth, overlapping);
    await until('the overload facts to be recorded', async () =>
      (await streamOf(busy)).filter((e) => e.type === 'ExternalFactRecorded').length === 5 ? true : undefined,
    );
    const first = await until('the overload alerts', async () =>
      (await overloads()).length >= 2 ? overloads() : undefined,
    );
    expect(first.map((a) => [a.recipient_role, a.recipient_id, a.severity])).toEqual([
      ['attending-psychiatrist', psy, 'warning'],
      ['facilitator', fac, 'warning'],
    ]);
    expect(first[1]!.summary).toBe('Therapeutic overload: 4 contacts within 7 days (cap 3)');
    const listed = await until('the alerts on the member route', async () => {
      const answer = await http('GET', `/api/liaison/members/${busy}/alerts`, undefined, fac);
      return answer.status === 200 && (answer.body as unknown[]).length >= 2
        ? (answer.body as { rule: string; recipientRole: string }[])
        : undefined;
    });
    expect(
      listed
        .filter((a) => a.rule === 'therapeutic-overload')
        .map((a) => a.recipientRole)
        .sort(),
    ).toEqual(['attending-psychiatrist', 'facilitator']);

    // Resolved (the member left the group), then over the cap again: a new episode, one new pair.
    const resolved = TherapeuticOverloadResolved.schema.parse({
      ...fixtures.TherapeuticOverloadResolved,
      eventId: uuid(),
      subject: busy,
      payload: { ...fixtures.TherapeuticOverloadResolved.payload, memberId: busy, ...week, contacts: 3, cap: 3 },
    });
    await send(Topics.scheduling, busy, resolved, load(4));
    await until('a second pair for the new episode', async () => ((await overloads()).length >= 4 ? true : undefined));
    // Judged in order: a later fact's alert means these are settled.
    await send(Topics.scheduling, busy, load(5));
    const sentinel = 'mbr_int_fhr_overload_last';
    await careTeam(sentinel);
    await send(
      Topics.scheduling,
      sentinel,
      TherapeuticLoadChanged.schema.parse({
        ...load(4),
        subject: sentinel,
        payload: { ...load(4).payload, memberId: sentinel },
      }),
    );
    await until('the alert of a later overload', async () =>
      (await alertsOf(sentinel, 'therapeutic-overload')).length > 0 ? true : undefined,
    );
    expect(await overloads()).toHaveLength(4);
  });

  it('alerts acute distress from an EHR Flag and an Observation coded so: critical to the psychiatrist, once per resource', async () => {
    const flagged = 'mbr_int_fhr_distress_flag';
    const observed = 'mbr_int_fhr_distress_obs';
    const quiet = 'mbr_int_fhr_distress_zero';
    for (const m of [flagged, observed, quiet]) await careTeam(m);
    const flag = FlagRecorded.schema.parse({
      ...gatewayFixtures.FlagRecorded,
      eventId: uuid(),
      subject: flagged,
      payload: { ...gatewayFixtures.FlagRecorded.payload, resourceId: uuid() },
    });
    // Re-posted to the gateway: the same resource revision under a new event id; then redelivered.
    const reposted = { ...flag, eventId: uuid() };
    const inactive = FlagRecorded.schema.parse({
      ...flag,
      eventId: uuid(),
      payload: { ...flag.payload, resourceId: uuid(), status: 'inactive' },
    });
    await send(Topics.gatewayIngest, flagged, flag, reposted, flag, inactive);
    const observation = (subject: string, value?: number) =>
      ObservationRecorded.schema.parse({
        ...gatewayFixtures.ObservationRecorded,
        eventId: uuid(),
        subject,
        payload: {
          resourceId: uuid(),
          revision: 1,
          status: 'final',
          codes: [{ ...ACUTE_DISTRESS_CODING }],
          ...(value === undefined ? {} : { value: { value } }),
          effective: '2026-03-02T09:00:00Z',
        },
      });
    await send(Topics.gatewayIngest, observed, observation(observed));
    await send(Topics.gatewayIngest, quiet, observation(quiet, 0));
    await until('the distress facts to be recorded', async () => {
      const facts = async (m: string) => (await streamOf(m)).filter((e) => e.type === 'ExternalFactRecorded').length;
      return (await facts(flagged)) === 2 && (await facts(observed)) === 1 ? true : undefined;
    });
    // Settled in order: a later member's alert means these were judged.
    const sentinel = 'mbr_int_fhr_distress_last';
    await careTeam(sentinel);
    await send(Topics.gatewayIngest, sentinel, observation(sentinel, 1));
    await until('a later distress alert', async () =>
      (await alertsOf(sentinel, 'acute-distress')).length > 0 ? true : undefined,
    );
    const expected = (summary: RegExp) => [
      {
        recipient_id: psy,
        recipient_role: 'attending-psychiatrist',
        severity: 'critical',
        summary: expect.stringMatching(summary),
      },
    ];
    expect(await alertsOf(flagged, 'acute-distress')).toEqual(expected(/flagged in the EHR/));
    expect(await alertsOf(observed, 'acute-distress')).toEqual(expected(/recorded in the EHR/));
    expect(await alertsOf(quiet, 'acute-distress')).toEqual([]);
  });

  it("takes a facilitator's distress report (POST distress-reports): 202 once per report id, 4xx on bad input, a critical alert to the psychiatrist", async () => {
    const reported = 'mbr_int_fhr_distress_rest';
    await careTeam(reported);
    await send(Topics.enrollment, reported, enrol(reported));
    await until('the enrolment to be recorded', async () =>
      (await streamOf(reported)).some((e) => e.type === 'ExternalFactRecorded') ? true : undefined,
    );
    const path = `/api/liaison/members/${reported}/distress-reports`;
    const report = {
      reportId: '9a8b7c6d-0000-4000-8000-000000000001',
      groupId: 'grp_fhr_1',
      observedAt: new Date(Date.now() - 60_000).toISOString(),
      sessionId: 'grp_fhr_1-s02',
      note: 'synthetic short note',
    };
    expect(await http('POST', path, report, fac)).toEqual({
      status: 202,
      body: { reportId: report.reportId, recorded: true },
    });
    expect(await http('POST', path, report, fac)).toEqual({
      status: 202,
      body: { reportId: report.reportId, recorded: false },
    }); // a retry
    const refused = async (body: object, memberPath = path) => (await http('POST', memberPath, body, fac)).status;
    expect(await refused({ ...report, reportId: undefined })).toBe(400);
    expect(await refused({ ...report, observedAt: 'yesterday' })).toBe(400);
    expect(await refused({ ...report, observedAt: '2026-03-02' })).toBe(400);
    expect(await refused({ ...report, groupId: 'Jane Doe' })).toBe(400);
    expect(await refused({ ...report, note: 'x'.repeat(281) })).toBe(400);
    expect(await refused({ ...report, reportId: 'r-2', groupId: 'grp_not_theirs' })).toBe(422);
    expect(
      await refused({ ...report, reportId: 'r-3', observedAt: new Date(Date.now() + 86_400_000).toISOString() }),
    ).toBe(422);
    expect(
      await refused({ ...report, reportId: 'r-4' }, '/api/liaison/members/mbr_int_fhr_nobody/distress-reports'),
    ).toBe(404);
    expect(await refused({ ...report, reportId: 'r-5' }, '/api/liaison/members/Jane%20Doe/distress-reports')).toBe(400);
    const raised = await until('the distress alert', async () =>
      (await alertsOf(reported, 'acute-distress')).length > 0 ? alertsOf(reported, 'acute-distress') : undefined,
    );
    expect(raised).toEqual([
      {
        recipient_id: psy,
        recipient_role: 'attending-psychiatrist',
        severity: 'critical',
        summary: expect.stringMatching(/Facilitator reported acute distress/),
      },
    ]);
    // The note stays in liaison's store: not in the alert.
    expect(
      await sql(
        "SELECT 1 FROM liaison_alert WHERE member_id = $1 AND (summary LIKE '%synthetic short note%' OR detail LIKE '%synthetic short note%')",
        [reported],
      ),
    ).toEqual([]);
  });

  it("answers CDS Hooks appointment-book and order-select/order-sign with the specification's Bundles: 200 with cards, 400 with the field for a malformed shape", async () => {
    const booked = 'mbr_int_fhr_cds';
    await careTeam(booked);
    // Scheduling counts 3 of cap 3 in the week; a fourth proposed appointment in it would be over.
    const week = { windowStart: '2026-05-04T00:00:00.000Z', windowEnd: '2026-05-11T00:00:00.000Z' };
    const atCap = TherapeuticLoadChanged.schema.parse({
      ...fixtures.TherapeuticLoadChanged,
      eventId: uuid(),
      subject: booked,
      payload: { ...fixtures.TherapeuticLoadChanged.payload, memberId: booked, ...week, contacts: 3, overCap: false },
    });
    await send(Topics.scheduling, booked, atCap);
    await send(Topics.gatewayIngest, booked, order(booked, '7804', 'oxycodone'));
    await until('the load and the opioid to be recorded', async () =>
      (await streamOf(booked)).filter((e) => ['ExternalFactRecorded', 'MedicationStarted'].includes(e.type)).length ===
      2
        ? true
        : undefined,
    );
    const hook = (service: string, hookName: string, context: object) =>
      http('POST', `/cds-services/${service}`, {
        hook: hookName,
        hookInstance: uuid(),
        context: { userId: `Practitioner/${psy}`, patientId: booked, ...context },
      });
    const appointment = (id: string, start?: string) => ({
      resourceType: 'Appointment',
      id,
      status: 'proposed',
      ...(start ? { start, end: start.replace('T10', 'T11') } : {}),
    });
    const bundle = (...resources: object[]) => ({
      resourceType: 'Bundle',
      type: 'collection',
      entry: resources.map((resource) => ({ resource })),
    });

    const over = await hook('carecircle-therapeutic-load', 'appointment-book', {
      appointments: bundle(appointment('apt-1', '2026-05-06T10:00:00Z'), appointment('apt-unscheduled')),
    });
    expect(over.status).toBe(200);
    expect(over.body.cards.map((c: { indicator: string; summary: string }) => [c.indicator, c.summary])).toEqual([
      ['warning', 'Therapeutic overload: 4 contacts within 7 days (cap 3)'],
    ]);
    expect(
      (
        await hook('carecircle-therapeutic-load', 'appointment-book', {
          appointments: bundle(appointment('apt-2', '2026-05-20T10:00:00Z')),
        })
      ).body,
    ).toEqual({ cards: [] });
    // The STU3 examples' array of Appointments is read too.
    expect(
      (
        await hook('carecircle-therapeutic-load', 'appointment-book', {
          appointments: [appointment('apt-3', '2026-05-06T10:00:00Z')],
        })
      ).body.cards,
    ).toHaveLength(1);
    const refused = async (service: string, hookName: string, context: object) => {
      const answer = await hook(service, hookName, context);
      return [answer.status, answer.body?.errors?.map((e: { field: string }) => e.field)];
    };
    expect(
      await refused('carecircle-therapeutic-load', 'appointment-book', { appointments: 'Appointment/apt-1' }),
    ).toEqual([400, ['context.appointments']]);
    expect(
      await refused('carecircle-therapeutic-load', 'appointment-book', {
        appointments: { resourceType: 'Bundle', entry: {} },
      }),
    ).toEqual([400, ['context.appointments.entry']]);
    expect(
      await refused('carecircle-therapeutic-load', 'appointment-book', {
        appointments: bundle(appointment('apt-4', 'next tuesday')),
      }),
    ).toEqual([400, ['context.appointments.entry.0.resource.start']]);

    // A draft gabapentin next to the opioid: the combination card, from a draftOrders Bundle, for both order hooks.
    const draft = {
      resourceType: 'MedicationRequest',
      id: 'draft-gaba',
      status: 'draft',
      intent: 'order',
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: '25480', display: 'gabapentin' }] },
      dosageInstruction: [
        {
          timing: { repeat: { frequency: 3, period: 1, periodUnit: 'd' } },
          doseAndRate: [{ doseQuantity: { value: 300, unit: 'mg' } }],
        },
      ],
    };
    const nutrition = { resourceType: 'NutritionOrder', id: 'diet', status: 'draft' };
    for (const [service, hookName] of [
      ['carecircle-medication-select', 'order-select'],
      ['carecircle-medication-sign', 'order-sign'],
    ] as const) {
      const answer = await hook(service, hookName, {
        draftOrders: bundle(draft, nutrition),
        selections: ['MedicationRequest/draft-gaba'],
      });
      expect([hookName, answer.status]).toEqual([hookName, 200]);
      expect(answer.body.cards.map((c: { summary: string }) => c.summary)).toEqual([
        expect.stringMatching(/gabapentin with oxycodone/),
      ]);
      expect(
        await refused(service, hookName, {
          draftOrders: bundle({ ...draft, medicationCodeableConcept: { coding: { code: '25480' } } }),
        }),
      ).toEqual([400, ['context.draftOrders.entry.0.resource.medicationCodeableConcept.coding']]);
      expect(
        await refused(service, hookName, {
          draftOrders: bundle({ ...draft, dosageInstruction: [{ timing: { repeat: { frequency: 'thrice' } } }] }),
        }),
      ).toEqual([400, ['context.draftOrders.entry.0.resource.dosageInstruction.0.timing.repeat.frequency']]);
      expect(await refused(service, hookName, { draftOrders: 42 })).toEqual([400, ['context.draftOrders']]);
    }
    // Nothing of the drafts or the proposed appointments was stored.
    expect(
      await sql('SELECT 1 FROM event_store.events WHERE data::text LIKE $1 OR data::text LIKE $2', [
        '%draft-gaba%',
        '%apt-1%',
      ]),
    ).toEqual([]);
  });

  it('puts the member in the palliative cohort from a palliative-care Condition: 180 MME/day is then information, and no transition alert', async () => {
    const palliative = 'mbr_int_fhr_palliative_condition';
    await careTeam(palliative);
    const condition = ConditionRecorded.schema.parse({
      ...gatewayFixtures.ConditionRecorded,
      eventId: uuid(),
      subject: palliative,
      payload: {
        ...gatewayFixtures.ConditionRecorded.payload,
        resourceId: uuid(),
        codes: [
          { system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'Z51.5', display: 'Encounter for palliative care' },
        ],
      },
    });
    const oxycodone = MedicationOrdered.schema.parse({
      ...order(palliative, '7804', 'oxycodone'),
      payload: {
        ...order(palliative, '7804', 'oxycodone').payload,
        dose: { value: 30, unit: 'mg' },
        timing: { frequency: 1, period: 6, periodUnit: 'h' },
      },
    });
    await send(Topics.gatewayIngest, palliative, condition, oxycodone);
    const raised = await until('the opioid dose alert', async () =>
      (await alertsOf(palliative, 'opioid-dose')).length > 0 ? alertsOf(palliative, 'opioid-dose') : undefined,
    );
    expect(raised).toEqual([
      {
        recipient_id: psy,
        recipient_role: 'prescriber',
        severity: 'info',
        summary: expect.stringMatching(/180 MME\/day \(>= 90\), palliative: informational/),
      },
    ]);
    expect(await alertsOf(palliative, 'palliative-transition')).toEqual([]);
  });
});
