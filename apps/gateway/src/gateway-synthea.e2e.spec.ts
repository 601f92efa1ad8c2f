import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Consumer } from 'kafkajs';
import { Client } from 'pg';
import { Topics } from '@carecircle/contracts';
import { createKafka } from '@carecircle/platform/messaging';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, waitFor, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { clientKeyPair, FHIR_JSON_TYPE, requestToken } from './testing/gateway-harness';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).
const SYNTHEA = resolve(__dirname, '../../../../shared/data/synthea/r4-bundles');
const PUBLIC_URL = 'http://gateway.e2e.test';

describe('every Synthea bundle through POST /fhir/R4 on the gateway process (SMART token, real PostgreSQL and Kafka)', () => {
  let kafka: KafkaCluster | undefined;
  let db: TestDatabase | undefined;
  let gateway: ServiceProcess | undefined;
  let sql: Client | undefined;
  let consumer: Consumer | undefined;
  let token: string;
  const published: { key: string; value: string }[] = [];
  const files = readdirSync(SYNTHEA).filter((name) => name.endsWith('.json')).sort();

  const postAll = async () => {
    const statuses: Record<string, number> = {};
    for (const file of files) {
      const response = await fetch(`${gateway!.url}/fhir/R4`, {
        method: 'POST',
        headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${token}` },
        body: readFileSync(join(SYNTHEA, file)),
      });
      await response.arrayBuffer();
      statuses[file] = response.status;
    }
    return statuses;
  };
  const storedEvents = async () => Number((await sql!.query<{ n: string }>('SELECT count(*) AS n FROM event_store.events')).rows[0]!.n);

  beforeAll(async () => {
    [kafka, db] = await Promise.all([startKafka(), createTestDatabase('gateway_synthea')]);
    const key = await clientKeyPair();
    gateway = await startServiceProcess({
      app: 'gateway',
      withTracing: false,
      env: {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPICS_AUTO_CREATED: 'true',
        GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 9).toString('base64'),
        GATEWAY_PUBLIC_URL: PUBLIC_URL,
        SMART_CLIENTS: JSON.stringify([{ clientId: 'ehr-e2e', scope: 'system/*.cruds', jwks: key.jwks }]),
      },
    });
    // The process answers on its own port; the assertion's audience is the configured public URL.
    const response = await requestToken(`${gateway.url}/auth/token`, 'ehr-e2e', 'system/*.cruds', key.privateKey, `${PUBLIC_URL}/auth/token`);
    expect(response.status).toBe(200);
    token = ((await response.json()) as { access_token: string }).access_token;
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    consumer = createKafka({ clientId: 'gateway-synthea-e2e', brokers: kafka.brokers }).consumer({ groupId: `gateway-synthea-e2e-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.gatewayIngest, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void published.push({ key: String(message.key), value: String(message.value) }) });
  }, 60_000);

  afterAll(async () => {
    await consumer?.disconnect().catch(() => undefined);
    await sql?.end().catch(() => undefined);
    await gateway?.kill9();
    await db?.drop();
    await kafka?.stop();
  }, 30_000);

  it('takes every bundle without a 5xx, publishes each stored fact once, and publishes nothing new on a re-post', async () => {
    const first = await postAll();
    expect(Object.entries(first).filter(([, status]) => status >= 500)).toEqual([]);
    expect(Object.values(first).every((status) => status === 200)).toBe(true);
    const stored = await storedEvents();
    expect(stored).toBeGreaterThan(files.length);
    await waitFor(() => published.length >= stored, { timeoutMs: 30_000, description: `all ${stored} stored facts on ${Topics.gatewayIngest}` });
    expect(new Set(published.map((m) => m.key)).size).toBe(files.length);

    const again = await postAll();
    expect(Object.values(again).every((status) => status === 200)).toBe(true);
    expect(await storedEvents()).toBe(stored);

    // A barrier: one new fact for a known member. The relay publishes in store order, so once it is
    // seen, anything a re-post had stored would have been published before it.
    const memberKey = published[0]!.key;
    const patientRef = await firstPatientReference();
    const condition = { resourceType: 'Condition', id: `e2e-barrier-${randomUUID()}`, subject: { reference: patientRef }, code: { coding: [{ system: 'http://snomed.info/sct', code: '35489007' }] } };
    const barrier = await fetch(`${gateway!.url}/fhir/R4/Condition`, { method: 'POST', headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${token}` }, body: JSON.stringify(condition) });
    expect(barrier.status).toBe(201);
    await waitFor(() => published.length > stored, { timeoutMs: 15_000, description: 'the barrier fact on the topic' });
    expect(published).toHaveLength(stored + 1);
    expect(published.at(-1)).toMatchObject({ value: expect.stringContaining('"type":"ConditionRecorded"') });
    expect(published.map((m) => m.key)).toContain(memberKey);
    expect(published.map((m) => m.value).join('\n')).not.toMatch(/urn:uuid|Patient\//);
  }, 120_000);
});

/** The EHR reference of the first Synthea patient (Synthea's Patient ids are the file name's UUID). */
async function firstPatientReference(): Promise<string> {
  const file = readdirSync(SYNTHEA).filter((name) => name.endsWith('.json')).sort()[0]!;
  const bundle = JSON.parse(readFileSync(join(SYNTHEA, file), 'utf8')) as { entry: { resource: { resourceType: string; id: string } }[] };
  return `Patient/${bundle.entry.find((e) => e.resource.resourceType === 'Patient')!.resource.id}`;
}
