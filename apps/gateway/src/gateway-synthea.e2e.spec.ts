import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Consumer, Producer } from 'kafkajs';
import { Client } from 'pg';
import { fixtures, GroupFormed, Topics } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  enrolInGroup,
  httpJson,
  recordConsents,
  startKafka,
  waitFor,
  waitForCatalogue,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { clientKeyPair, FHIR_JSON_TYPE, requestToken } from './testing/gateway-harness';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).
const SYNTHEA = resolve(__dirname, '../../../../shared/data/synthea/r4-bundles');
const PUBLIC_URL = 'http://gateway.e2e.test';
const SNOMED = 'http://snomed.info/sct';
const LOINC = 'http://loinc.org';

interface Published {
  key: string;
  value: string;
  event: {
    eventId: string;
    type: string;
    subject: string;
    correlationId: string;
    payload: Record<string, unknown> & { resourceId: string };
  };
}

/**
 * Three Synthea patients the EHR refers to a support group (Synthea bundles hold no ServiceRequest),
 * each with the screening scores it sends alongside, the outcome enrollment's screening gives, and
 * the age at referral (2026-11-20) the gateway derives from the bundle's birth date.
 */
const REFERRALS = [
  // Colon cancer in the record, referred for it: mild scores. Born 1920-04-23.
  {
    file: 'Florentino_Mertz',
    reason: '93761005',
    phq9: 7,
    item9: 0,
    gad7: 4,
    outcome: 'eligible',
    reasons: ['no-contraindication'],
    age: 106,
  },
  // Major depression: thoughts of self-harm on item 9 hold placement, a same-day task to the psychiatrist. Born 1973-11-24: 53 four days later.
  {
    file: 'Milan_Beatty',
    reason: '370143000',
    phq9: 17,
    item9: 1,
    gad7: 9,
    outcome: 'placement-on-hold',
    reasons: ['suicidal-ideation-item9'],
    age: 52,
  },
  // Severe anxiety: only small, low-frequency groups. Born 1993-06-07.
  {
    file: 'Alberto_Atencio',
    reason: undefined,
    phq9: 9,
    item9: 0,
    gad7: 17,
    outcome: 'eligible-with-constraints',
    reasons: ['severe-anxiety'],
    age: 33,
  },
] as const;
/** A small biweekly group Alberto's screening allows (formed by scheduling: GroupFormed on its topic). */
const SMALL_GROUP = 'grp_e2e_ehr_small_biweekly';

/**
 * The EHR side of the whole system on real processes: every Synthea bundle through `POST /fhir/R4`
 * on the gateway (SMART token), referrals for three of those patients reaching enrollment and screened
 * there, their Synthea MedicationRequests reaching clinician-liaison, and a re-post of everything
 * changing nothing anywhere. Real PostgreSQL (a database per process) and a Kafka-protocol broker.
 */
describe('EHR → gateway → enrollment and clinician-liaison: every Synthea bundle, three referrals (SMART token, real PostgreSQL and Kafka)', () => {
  let kafka: KafkaCluster | undefined;
  const dbs: Partial<Record<'gateway' | 'enrollment' | 'liaison', TestDatabase>> = {};
  const processes: Partial<Record<'gateway' | 'enrollment' | 'liaison', ServiceProcess>> = {};
  const sql: Partial<Record<'gateway' | 'enrollment' | 'liaison', Client>> = {};
  let consumer: Consumer | undefined;
  let producer: Producer | undefined;
  let token: string;
  const published: Published[] = [];
  const files = readdirSync(SYNTHEA)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const referralFiles = REFERRALS.map((referral) => files.find((file) => file.startsWith(referral.file))!);

  const fhirPost = async (body: string | Buffer, correlationId?: string) => {
    const response = await fetch(`${processes.gateway!.url}/fhir/R4`, {
      method: 'POST',
      headers: {
        'content-type': FHIR_JSON_TYPE,
        authorization: `Bearer ${token}`,
        ...(correlationId ? { 'x-correlation-id': correlationId } : {}),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as { entry?: { response: { status: string } }[] } };
  };
  const postAll = async () => {
    const statuses: Record<string, number> = {};
    for (const file of files) statuses[file] = (await fhirPost(readFileSync(join(SYNTHEA, file)))).status;
    return statuses;
  };
  const postReferrals = async () =>
    Promise.all(
      REFERRALS.map((referral, index) =>
        fhirPost(JSON.stringify(referralBundle(referralFiles[index]!, referral)), `e2e-referral-${index}`),
      ),
    );
  const count = async (service: keyof typeof sql, where = 'true', params: unknown[] = []) =>
    Number(
      (await sql[service]!.query<{ n: string }>(`SELECT count(*) AS n FROM event_store.events WHERE ${where}`, params))
        .rows[0]!.n,
    );
  const position = async (service: keyof typeof sql) =>
    (await sql[service]!.query<{ p: string | null }>('SELECT max(global_position)::text AS p FROM event_store.events'))
      .rows[0]!.p ?? '0';

  beforeAll(async () => {
    kafka = await startKafka();
    [dbs.gateway, dbs.enrollment, dbs.liaison] = await Promise.all([
      createTestDatabase('gateway_synthea'),
      createTestDatabase('ehr_enrollment'),
      createTestDatabase('ehr_liaison'),
    ]);
    const key = await clientKeyPair();
    // A short consumer-group session: the services join their groups within seconds.
    const common = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'info',
    };
    [processes.gateway, processes.enrollment, processes.liaison] = await Promise.all([
      startServiceProcess({
        app: 'gateway',
        withTracing: false,
        startTimeoutMs: 60_000,
        env: {
          ...common,
          DATABASE_URL: dbs.gateway.url,
          GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 9).toString('base64'),
          GATEWAY_PUBLIC_URL: PUBLIC_URL,
          SMART_CLIENTS: JSON.stringify([{ clientId: 'ehr-e2e', scope: 'system/*.cruds', jwks: key.jwks }]),
        },
      }),
      startServiceProcess({
        app: 'enrollment',
        withTracing: false,
        startTimeoutMs: 60_000,
        env: { ...common, DATABASE_URL: dbs.enrollment.url },
      }),
      startServiceProcess({
        app: 'clinician-liaison',
        withTracing: false,
        startTimeoutMs: 60_000,
        env: { ...common, DATABASE_URL: dbs.liaison.url },
      }),
    ]);
    // The process answers on its own port; the assertion's audience is the configured public URL.
    const response = await requestToken(
      `${processes.gateway.url}/auth/token`,
      'ehr-e2e',
      'system/*.cruds',
      key.privateKey,
      `${PUBLIC_URL}/auth/token`,
    );
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
    for (const service of ['gateway', 'enrollment', 'liaison'] as const) {
      sql[service] = new Client({ connectionString: dbs[service]!.url });
      await sql[service].connect();
    }
    producer = createProducer(createKafka({ clientId: 'gateway-synthea-e2e-scheduling', brokers: kafka.brokers }));
    await producer.connect();
    consumer = createKafka({ clientId: 'gateway-synthea-e2e', brokers: kafka.brokers }).consumer({
      groupId: `gateway-synthea-e2e-${randomUUID()}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.gatewayIngest, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void published.push({
          key: String(message.key),
          value: String(message.value),
          event: JSON.parse(String(message.value)) as Published['event'],
        }),
    });
  }, 120_000);

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await Promise.all(Object.values(sql).map((client) => client.end().catch(() => undefined)));
    await Promise.all(Object.values(processes).map((process) => process.kill9()));
    await Promise.all(Object.values(dbs).map((db) => db.drop()));
    await kafka?.stop();
  }, 30_000);

  it('takes every bundle without a 5xx, publishes each stored fact once, and publishes nothing new on a re-post', async () => {
    const first = await postAll();
    expect(Object.entries(first).filter(([, status]) => status >= 500)).toEqual([]);
    expect(Object.values(first).every((status) => status === 200)).toBe(true);
    const stored = await count('gateway');
    expect(stored).toBeGreaterThan(files.length);
    await waitFor(() => published.length >= stored, {
      timeoutMs: 30_000,
      description: `all ${stored} stored facts on ${Topics.gatewayIngest}`,
    });
    expect(new Set(published.map((m) => m.key)).size).toBe(files.length);

    const again = await postAll();
    expect(Object.values(again).every((status) => status === 200)).toBe(true);
    expect(await count('gateway')).toBe(stored);

    // A barrier: one new fact for a known member. The relay publishes in store order, so once it is
    // seen, anything a re-post had stored would have been published before it.
    const memberKey = published[0]!.key;
    const condition = {
      resourceType: 'Condition',
      id: `e2e-barrier-${randomUUID()}`,
      subject: { reference: patientReference(files[0]!) },
      code: { coding: [{ system: SNOMED, code: '35489007' }] },
    };
    const barrier = await fetch(`${processes.gateway!.url}/fhir/R4/Condition`, {
      method: 'POST',
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${token}` },
      body: JSON.stringify(condition),
    });
    expect(barrier.status).toBe(201);
    await waitFor(() => published.length > stored, { timeoutMs: 15_000, description: 'the barrier fact on the topic' });
    expect(published).toHaveLength(stored + 1);
    expect(published.at(-1)).toMatchObject({ value: expect.stringContaining('"type":"ConditionRecorded"') });
    expect(published.map((m) => m.key)).toContain(memberKey);
    // Only pseudonymous ids leave the gateway: no EHR patient or practitioner reference in any value or key.
    expect([...published.map((m) => m.value), ...published.map((m) => m.key)].join('\n')).not.toMatch(
      /urn:uuid|Patient\/|Practitioner/,
    );
    // Synthea names the prescriber of every order (a urn:uuid to a Practitioner in the bundle): each travels as a staff id.
    const orders = published.filter((m) => m.event.type === 'MedicationOrdered');
    expect(orders.length).toBeGreaterThan(10);
    expect(orders.filter((m) => !/^clin_[A-Za-z0-9_-]{22}$/.test(String(m.event.payload['requesterId'])))).toEqual([]);
  }, 120_000);

  it('refers three Synthea patients by their EHR ids: enrollment screens them, liaison holds their Synthea medications; re-posting everything changes nothing downstream', async () => {
    const answers = await postReferrals();
    expect(answers.map((a) => [a.status, a.body.entry?.map((e) => e.response.status)])).toEqual(
      REFERRALS.map(() => [200, ['201 Created', '201 Created', '201 Created', '201 Created']]),
    );

    // Which member and referral each ServiceRequest became: the EHR never learns them, the test reads them off the topic.
    const referred = await waitFor(
      () => {
        const found = REFERRALS.map(
          (_, index) =>
            published.find(
              (m) => m.event.type === 'ReferralRequested' && m.event.correlationId === `e2e-referral-${index}`,
            )?.event,
        );
        return found.every(Boolean)
          ? found.map((event) => ({ memberId: event!.subject, referralId: event!.payload.resourceId }))
          : undefined;
      },
      { timeoutMs: 30_000, description: 'the three ReferralRequested on the topic' },
    );
    const enrollment = httpJson(() => processes.enrollment!.url);
    const screened = await waitFor(
      async () => {
        const referrals = await Promise.all(
          referred.map(({ referralId }) =>
            enrollment.get<{
              memberId: string;
              status: string;
              screening: { outcome: string; reasons: { code: string }[] } | null;
            }>(`/api/enrollment/referrals/${referralId}`),
          ),
        );
        // Scores arrive one by one: each referral is screened once its PHQ-9 is complete and re-screened as the rest arrives.
        return referrals.every((r, index) => r.body.screening?.outcome === REFERRALS[index]!.outcome)
          ? referrals.map((r) => r.body)
          : undefined;
      },
      {
        timeoutMs: 45_000,
        description: `enrollment to screen the three EHR referrals: ${REFERRALS.map((r) => r.outcome).join(', ')}`,
      },
    );
    expect(
      screened.map((r) => [
        r.memberId,
        r.status,
        r.screening!.outcome,
        r.screening!.reasons.map((reason) => reason.code),
      ]),
    ).toEqual(
      REFERRALS.map((referral, index) => [
        referred[index]!.memberId,
        'referred',
        referral.outcome,
        [...referral.reasons],
      ]),
    );

    // The referral carries the age at referral (never the birth date) and the requester's staff id, which
    // is the same staff id Synthea's orders by that practitioner carry (urn:uuid there, Practitioner/<id> here).
    const requests = referred.map(
      ({ referralId }) =>
        published.find((m) => m.event.type === 'ReferralRequested' && m.event.payload.resourceId === referralId)!.event,
    );
    expect(requests.map((event) => event.payload['ageAtReferral'])).toEqual(REFERRALS.map((referral) => referral.age));
    expect(JSON.stringify(requests)).not.toMatch(/birth|1920-04-23|1973-11-24|1993-06-07/i);
    const requesters = requests.map((event) => String(event.payload['requesterId']));
    expect(requesters.every((id) => /^clin_/.test(id))).toBe(true);
    const orderedBy = (memberId: string) =>
      new Set(
        published
          .filter((m) => m.event.type === 'MedicationOrdered' && m.event.subject === memberId)
          .map((m) => m.event.payload['requesterId']),
      );
    expect(orderedBy(referred[1]!.memberId).has(requesters[1])).toBe(true);
    expect(orderedBy(referred[2]!.memberId).has(requesters[2])).toBe(true);
    const referrers = await sql.enrollment!.query<{ referrer: string }>(
      "SELECT data->>'referringClinicianId' AS referrer FROM event_store.events WHERE type = 'ReferralReceived' AND stream_id = ANY($1::text[]) ORDER BY array_position($1::text[], stream_id)",
      [referred.map(({ referralId }) => `referral-${referralId}`)],
    );
    expect(referrers.rows.map((row) => row.referrer)).toEqual(requesters);

    // Every active Synthea medication order the gateway published is a medication liaison holds, under the member it belongs to.
    const ordered = published
      .filter(
        (m) =>
          m.event.type === 'MedicationOrdered' &&
          m.event.payload['status'] === 'active' &&
          !['proposal', 'plan'].includes(String(m.event.payload['intent'])),
      )
      .map((m) => `coordination-${m.event.subject}|gw-${m.event.payload.resourceId}`)
      .sort();
    expect(ordered.length).toBeGreaterThan(10);
    expect(
      referred.filter(({ memberId }) => ordered.some((entry) => entry.startsWith(`coordination-${memberId}|`))),
    ).toHaveLength(2); // Milan and Alberto take medication
    const medications = async () =>
      (
        await sql.liaison!.query<{ entry: string }>(
          "SELECT stream_id || '|' || (data->>'medicationId') AS entry FROM event_store.events WHERE type = 'MedicationStarted' ORDER BY 1",
        )
      ).rows.map((r) => r.entry);
    await waitFor(async () => ((await medications()).length >= ordered.length ? true : undefined), {
      timeoutMs: 45_000,
      description: `liaison to start the ${ordered.length} Synthea medication orders`,
    });
    expect(await medications()).toEqual(ordered);

    // Everything again, exactly as before: the gateway stores and publishes nothing, so nothing downstream moves.
    const before = {
      stored: await count('gateway'),
      published: published.length,
      enrollment: await position('enrollment'),
      liaison: await position('liaison'),
    };
    const again = await postAll();
    expect(Object.values(again).every((status) => status === 200)).toBe(true);
    expect((await postReferrals()).map((a) => a.body.entry?.map((e) => e.response.status))).toEqual(
      REFERRALS.map(() => ['200 OK', '200 OK', '200 OK', '200 OK']),
    );
    expect(await count('gateway')).toBe(before.stored);

    // A barrier per referred member (their partitions) and a medication for one: once the services have
    // handled it, they have handled anything a re-post could have sent before it. All they wrote since is the barrier's.
    const barrierId = `e2e-barrier-${randomUUID()}`;
    expect((await fhirPost(JSON.stringify(barrierBundle(referralFiles)), barrierId)).status).toBe(200);
    await waitFor(() => published.length >= before.published + REFERRALS.length + 1, {
      timeoutMs: 15_000,
      description: 'the barrier facts on the topic',
    });
    expect(published.slice(before.published).map((m) => m.event.correlationId)).toEqual(
      Array.from({ length: REFERRALS.length + 1 }, () => barrierId),
    );
    // An escalation timer of an alert raised earlier may fire meanwhile: that is the clock's doing, not the re-post's.
    const since = (service: 'enrollment' | 'liaison', position: string) =>
      count(service, "global_position > $1 AND coalesce(metadata->>'causationId', '') NOT LIKE 'escalation-timer:%'", [
        position,
      ]);
    const byBarrier = (service: 'enrollment' | 'liaison', position: string) =>
      count(service, "global_position > $1 AND metadata->>'correlationId' = $2", [position, barrierId]);
    await waitFor(
      async () => ((await byBarrier('enrollment', before.enrollment)) >= REFERRALS.length ? true : undefined),
      { timeoutMs: 30_000, description: 'enrollment to note the barrier scores' },
    );
    await waitFor(async () => ((await byBarrier('liaison', before.liaison)) >= 1 ? true : undefined), {
      timeoutMs: 30_000,
      description: 'liaison to start the barrier medication',
    });
    expect(await since('enrollment', before.enrollment)).toBe(REFERRALS.length); // one noted score each; an item 9 older than the new total screens nothing
    expect(await since('liaison', before.liaison)).toBe(await byBarrier('liaison', before.liaison));

    // Last (its MemberEnrolled would move liaison): Alberto is placed in a small biweekly group with both
    // consents, and no staff re-screen for an age.
    const alberto = referred[2]!;
    await formGroupInScheduling(producer!, SMALL_GROUP);
    await waitForCatalogue(processes.enrollment!.url, [SMALL_GROUP], 30_000);
    await recordConsents(processes.enrollment!.url, alberto.referralId);
    await enrolInGroup(processes.enrollment!.url, SMALL_GROUP, alberto.referralId); // throws with the answer unless 202
    expect(
      (
        await enrollment.get<{ roster: { memberId: string }[] }>(`/api/enrollment/groups/${SMALL_GROUP}`)
      ).body.roster.map((m) => m.memberId),
    ).toEqual([alberto.memberId]);
    expect([...published.map((m) => m.value), ...published.map((m) => m.key)].join('\n')).not.toMatch(
      /urn:uuid|Patient\/|Practitioner/,
    );
  }, 120_000);
});

/** Scheduling's GroupFormed as it publishes it (the contract fixture, reshaped): enrollment's catalogue learns the group. */
async function formGroupInScheduling(producer: Producer, groupId: string): Promise<void> {
  const { condition: _condition, locationId: _location, ...group } = fixtures.GroupFormed.payload;
  const formed = GroupFormed.parse({
    ...fixtures.GroupFormed,
    eventId: randomUUID(),
    subject: groupId,
    payload: {
      ...group,
      groupId,
      groupType: 'general-emotional-support',
      locationId: null,
      seats: 8,
      cadence: 'biweekly',
      openness: 'open',
      modality: 'online',
      firstSessionAt: '2030-01-08T17:00:00.000Z',
    },
  });
  await producer.send({
    topic: Topics.scheduling,
    acks: -1,
    messages: [{ key: groupId, value: JSON.stringify(formed) }],
  });
}

/** The Practitioner who ordered the bundle's first medication (Synthea's requester), else the bundle's first Practitioner. */
function requesterOf(file: string): string {
  const bundle = JSON.parse(readFileSync(join(SYNTHEA, file), 'utf8')) as {
    entry: { fullUrl: string; resource: { resourceType: string; id: string; requester?: { reference: string } } }[];
  };
  const ordered = bundle.entry.find((e) => e.resource.resourceType === 'MedicationRequest')?.resource.requester
    ?.reference;
  const practitioner = bundle.entry.find((e) =>
    ordered ? e.fullUrl === ordered : e.resource.resourceType === 'Practitioner',
  )!.resource;
  return `Practitioner/${practitioner.id}`;
}

/** The EHR reference of a Synthea patient (Synthea's Patient ids are the file name's UUID). */
function patientReference(file: string): string {
  const bundle = JSON.parse(readFileSync(join(SYNTHEA, file), 'utf8')) as {
    entry: { resource: { resourceType: string; id: string } }[];
  };
  return `Patient/${bundle.entry.find((e) => e.resource.resourceType === 'Patient')!.resource.id}`;
}

const put = (resource: { resourceType: string; id: string }) => ({
  resource,
  request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
});
const score = (id: string, subject: string, code: string, value: number, effectiveDateTime: string) =>
  put({
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'survey' }] }],
    code: { coding: [{ system: LOINC, code }] },
    subject: { reference: subject },
    effectiveDateTime,
    valueInteger: value,
  } as { resourceType: string; id: string });

/** What an EHR sends when a clinician refers the patient: the ServiceRequest and the scores behind it. */
function referralBundle(file: string, referral: (typeof REFERRALS)[number]) {
  const subject = patientReference(file);
  const id = file
    .slice(0, 8)
    .toLowerCase()
    .replace(/[^a-z0-9.-]/g, '-'); // FHIR ids: letters, digits, '-' and '.' only
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      put({
        resourceType: 'ServiceRequest',
        id: `e2e-referral-${id}`,
        status: 'active',
        intent: 'order',
        code: { coding: [{ system: SNOMED, code: '1259213000' }] },
        ...(referral.reason ? { reasonCode: [{ coding: [{ system: SNOMED, code: referral.reason }] }] } : {}),
        subject: { reference: subject },
        requester: { reference: requesterOf(file) },
        authoredOn: '2026-11-20T09:00:00Z',
      } as { resourceType: string; id: string }),
      score(`e2e-phq9-${id}`, subject, '44261-6', referral.phq9, '2026-11-20T08:30:00Z'),
      score(`e2e-phq9-item9-${id}`, subject, '44260-8', referral.item9, '2026-11-20T08:30:00Z'),
      score(`e2e-gad7-${id}`, subject, '70274-6', referral.gad7, '2026-11-20T08:35:00Z'),
    ],
  };
}

/** New facts for the referred members: a later PHQ-9 total each, and a sertraline order for the second. */
function barrierBundle(files: readonly string[]) {
  const subjects = files.map(patientReference);
  return {
    resourceType: 'Bundle',
    type: 'transaction',
    entry: [
      ...subjects.map((subject, index) =>
        score(`e2e-barrier-phq9-${index}`, subject, '44261-6', 5, '2026-11-26T08:30:00Z'),
      ),
      put({
        resourceType: 'MedicationRequest',
        id: 'e2e-barrier-sertraline',
        status: 'active',
        intent: 'order',
        medicationCodeableConcept: {
          coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '312938' }],
        },
        subject: { reference: subjects[1]! },
        authoredOn: '2026-11-26',
      } as { resourceType: string; id: string }),
    ],
  };
}
