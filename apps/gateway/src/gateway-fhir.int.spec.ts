import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateKeyPair } from 'jose';
import { Client } from 'pg';
import { Topics } from '@carecircle/contracts';
import { createKafka } from '@carecircle/platform/messaging';
import { waitFor } from '@carecircle/platform/testing';
import { FHIR_JSON_TYPE as FHIR, startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';

const DATA = resolve(__dirname, '../../../../shared/data');
const SYNTHEA = `${DATA}/synthea/r4-bundles/Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json`;
const example = (name: string) => JSON.parse(readFileSync(`${DATA}/fhir-examples/${name}.json`, 'utf8')) as Record<string, unknown>;

describe('gateway FHIR ingest, SMART auth and audit (real PostgreSQL, Kafka, HTTP)', () => {
  let gateway: GatewayHarness;
  let base: string;
  let sql: Client;
  const published: { key: string; value: string }[] = [];
  let stopConsumer: () => Promise<void> = async () => undefined;

  const tokenFor = (clientId: string, scope: string, key?: Parameters<GatewayHarness['tokenResponse']>[2]) => gateway.tokenResponse(clientId, scope, key);
  const accessToken = async (scope: string) => ((await (await tokenFor('ehr-integration', scope)).json()) as { access_token: string }).access_token;
  const post = async (path: string, body: unknown, token: string, method = 'POST') =>
    fetch(`${base}${path}`, { method, headers: { 'content-type': FHIR, authorization: `Bearer ${token}` }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const count = async (table: string) => Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  beforeAll(async () => {
    gateway = await startGatewayHarness({
      database: 'gateway_fhir',
      fhirBodyLimit: '1mb',
      clients: [
        { clientId: 'ehr-integration', scope: 'system/*.cruds' },
        { clientId: 'reporting', scope: 'system/*.rs' },
      ],
    });
    base = gateway.base;
    const { db, kafka } = gateway;
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    const consumer = createKafka({ clientId: 'gateway-test', brokers: kafka.brokers }).consumer({ groupId: `gateway-test-${randomUUID()}` });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.gatewayIngest, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void published.push({ key: String(message.key), value: String(message.value) }) });
    stopConsumer = () => consumer.disconnect();
  }, 60_000);

  afterAll(async () => {
    await stopConsumer().catch(() => undefined);
    await sql?.end();
    await gateway?.stop();
  }, 30_000);

  it('serves discovery without a token: SMART configuration and a CapabilityStatement of what is implemented', async () => {
    const smart = (await (await fetch(`${base}/.well-known/smart-configuration`)).json()) as Record<string, unknown>;
    expect(smart).toMatchObject({ token_endpoint: `${base}/auth/token`, token_endpoint_auth_methods_supported: ['private_key_jwt'] });
    const metadata = (await (await fetch(`${base}/fhir/R4/metadata`)).json()) as { fhirVersion: string; rest: { resource: { type: string }[] }[] };
    expect(metadata.fhirVersion).toBe('4.0.1');
    expect(metadata.rest[0]!.resource.map((r) => r.type)).toEqual(expect.arrayContaining(['Patient', 'ServiceRequest', 'MedicationRequest', 'Appointment']));
  });

  it('issues tokens only for valid client assertions, narrowed to the registered scopes', async () => {
    const denied = await tokenFor('ehr-integration', 'system/*.cruds', (await generateKeyPair('ES384')).privateKey);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: 'invalid_client' });
    const narrowed = (await (await tokenFor('reporting', 'system/*.cruds system/Patient.rs')).json()) as { scope: string };
    expect(narrowed.scope).toBe('system/Patient.rs');
    const noToken = await fetch(`${base}/fhir/R4`, { method: 'POST', headers: { 'content-type': FHIR }, body: '{}' });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('takes in a Synthea transaction Bundle: identities sealed, facts published under the member id only, a re-post changes nothing', async () => {
    const token = await accessToken('system/*.cruds');
    const bundle = JSON.parse(readFileSync(SYNTHEA, 'utf8')) as { entry: { resource: { resourceType: string; name?: { family?: string }[] } }[] };
    const family = bundle.entry[0]!.resource.name![0]!.family!;
    const response = await post('/fhir/R4', bundle, token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { type: string; entry: { response: { status: string; outcome: { issue: { details: { text: string } }[] } } }[] };
    expect(body.type).toBe('transaction-response');
    expect(body.entry).toHaveLength(bundle.entry.length);
    expect(body.entry.some((e) => e.response.outcome.issue[0]!.details.text.includes('ignored'))).toBe(true);
    const stored = await count('event_store.events');
    expect(stored).toBeGreaterThan(0);
    const identity = await sql.query<{ member_id: string; sealed: string }>('SELECT member_id, sealed FROM gateway.member_identity');
    expect(identity.rows).toHaveLength(1);
    const memberId = identity.rows[0]!.member_id;
    expect(memberId).toMatch(/^mbr_/);
    expect(identity.rows[0]!.sealed).not.toContain(family);

    await waitFor(() => published.length >= stored, { timeoutMs: 20_000, description: `all ${stored} ingested facts on ${Topics.gatewayIngest}` });
    expect(new Set(published.map((m) => m.key))).toEqual(new Set([memberId]));
    expect(published.some((m) => m.value.includes('"type":"MedicationOrdered"'))).toBe(true);
    expect(published.map((m) => m.value).join('\n')).not.toMatch(new RegExp(`${family}|fc712d1f|urn:uuid`));

    const again = await post('/fhir/R4', bundle, token);
    expect(again.status).toBe(200);
    expect(await count('event_store.events')).toBe(stored);
    expect(await count('gateway.member_identity')).toBe(1);
  }, 40_000);

  it('answers bad input with an OperationOutcome that says where, and writes nothing for a failed transaction', async () => {
    const token = await accessToken('system/*.cruds');
    const events = await count('event_store.events');
    const identities = await count('gateway.member_identity');

    const malformed = await post('/fhir/R4', '{"resourceType": "Bundle",', token);
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ resourceType: 'OperationOutcome' });

    const wrongType = await post('/fhir/R4/Patient', { resourceType: 'Observation' }, token);
    expect(wrongType.status).toBe(400);
    expect(await wrongType.json()).toMatchObject({ issue: [{ expression: ['resourceType'] }] });

    const patient = { resourceType: 'Patient', id: 'p-bad-date', birthDate: '1990-02-31x' };
    const dangling = { resourceType: 'Condition', id: 'c1', subject: { reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' }, code: { text: 'x' } };
    const transaction = (...resources: object[]) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: resources.map((resource) => ({ fullUrl: `urn:uuid:${randomUUID()}`, resource, request: { method: 'POST', url: (resource as { resourceType: string }).resourceType } })),
    });
    const badDate = await post('/fhir/R4', transaction({ resourceType: 'Patient', id: 'ok-1' }, patient), token);
    expect(badDate.status).toBe(400);
    expect(await badDate.json()).toMatchObject({ issue: [{ expression: ['Bundle.entry[1].resource.birthDate'] }] });

    const danglingRef = await post('/fhir/R4', transaction({ resourceType: 'Patient', id: 'ok-2', identifier: [{ system: 'urn:mrn', value: 'MRN-1' }] }, dangling), token);
    expect(danglingRef.status).toBe(422);
    expect(await danglingRef.json()).toMatchObject({ issue: [{ expression: ['Bundle.entry[1].resource.subject.reference'] }] });

    const tooLarge = await post('/fhir/R4', { resourceType: 'Bundle', type: 'batch', padding: 'x'.repeat(1_100_000) }, token);
    expect(tooLarge.status).toBe(413);

    expect(await count('event_store.events')).toBe(events);
    expect(await count('gateway.member_identity')).toBe(identities);
  });

  it('accepts out-of-scope types and codes as ignored, and takes single resources for a known patient', async () => {
    const token = await accessToken('system/*.cruds');
    const organization = await post('/fhir/R4/Organization', example('Organization-1'), token);
    expect(organization.status).toBe(200);
    expect(JSON.stringify(await organization.json())).toContain('ignored');
    expect((await post('/fhir/R4/Patient/pat1', example('Patient-pat1'), token, 'PUT')).status).toBe(200);
    const vitals = await post('/fhir/R4/Observation', { ...example('Observation-heart-rate'), subject: { reference: 'Patient/pat1' } }, token);
    expect(JSON.stringify(await vitals.json())).toContain('ignored');
    const order = await post('/fhir/R4/MedicationRequest', example('MedicationRequest-medrx0311'), token);
    expect(order.status).toBe(201);
    expect((await post('/fhir/R4/MedicationRequest', example('MedicationRequest-medrx0311'), token)).status).toBe(200);
  });

  it('enforces scopes and audits every access, denials included, for administrators as AuditEvents', async () => {
    const readOnly = ((await (await tokenFor('reporting', 'system/*.rs')).json()) as { access_token: string }).access_token;
    const denied = await post('/fhir/R4/Patient', { resourceType: 'Patient' }, readOnly);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ issue: [{ code: 'forbidden' }] });

    const admin = await accessToken('system/AuditEvent.rs');
    const audit = (await (await fetch(`${base}/admin/audit-events?_count=500`, { headers: { authorization: `Bearer ${admin}` } })).json()) as {
      entry: { resource: { resourceType: string; outcome: string; agent: { who: { identifier: { value: string } } }[] } }[];
    };
    expect(audit.entry.every((e) => e.resource.resourceType === 'AuditEvent')).toBe(true);
    expect(audit.entry.some((e) => e.resource.outcome === '4' && e.resource.agent[0]!.who.identifier.value === 'reporting')).toBe(true);
    expect(audit.entry.some((e) => e.resource.outcome === '4' && e.resource.agent[0]!.who.identifier.value === 'anonymous')).toBe(true);
    expect(audit.entry.some((e) => e.resource.outcome === '0')).toBe(true);
    expect((await fetch(`${base}/admin/audit-events`, { headers: { authorization: `Bearer ${readOnly}` } })).status).toBe(200);
    const ingestOnly = await accessToken('system/Patient.c');
    expect((await fetch(`${base}/admin/audit-events`, { headers: { authorization: `Bearer ${ingestOnly}` } })).status).toBe(403);
  });
});
