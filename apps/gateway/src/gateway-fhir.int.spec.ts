import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { generateKeyPair } from 'jose';
import { Client } from 'pg';
import { ACUTE_DISTRESS_CODING, Topics } from '@carecircle/contracts';
import { createKafka } from '@carecircle/platform/messaging';
import { waitFor } from '@carecircle/platform/testing';
import { IdentityVault, pseudonymousStaffId } from '@carecircle/gateway/application';

import { readGatewayConfig } from './gateway.config';
import { recordStaffName, staffNamesOf } from './staff-directory/staff-directory';
import { FHIR_JSON_TYPE as FHIR, startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';
import { sqlOfPool } from '@carecircle/platform/event-store';

const DATA = resolve(__dirname, '../../../../shared/data');
const SYNTHEA = `${DATA}/synthea/r4-bundles/Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json`;
const example = (name: string) =>
  JSON.parse(readFileSync(`${DATA}/fhir-examples/${name}.json`, 'utf8')) as Record<string, unknown>;

describe('gateway FHIR ingest, SMART auth and audit (real PostgreSQL, Kafka, HTTP)', () => {
  let gateway: GatewayHarness;
  let base: string;
  let sql: Client;
  const published: { key: string; value: string }[] = [];
  let stopConsumer: () => Promise<void> = async () => undefined;

  const tokenFor = (clientId: string, scope: string, key?: Parameters<GatewayHarness['tokenResponse']>[2]) =>
    gateway.tokenResponse(clientId, scope, key);
  const accessToken = async (scope: string) =>
    ((await (await tokenFor('ehr-integration', scope)).json()) as { access_token: string }).access_token;
  const post = async (path: string, body: unknown, token: string, method = 'POST') =>
    fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': FHIR, authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const count = async (table: string) =>
    Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

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
    const consumer = createKafka({ clientId: 'gateway-test', brokers: kafka.brokers }).consumer({
      groupId: `gateway-test-${randomUUID()}`,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: Topics.gatewayIngest, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) =>
        void published.push({ key: String(message.key), value: String(message.value) }),
    });
    stopConsumer = () => consumer.disconnect();
  }, 60_000);

  afterAll(async () => {
    await stopConsumer().catch(() => undefined);
    await sql?.end();
    await gateway?.stop();
  }, 30_000);

  it('serves discovery without a token: SMART configuration and a CapabilityStatement of what is implemented', async () => {
    const smart = (await (await fetch(`${base}/.well-known/smart-configuration`)).json()) as Record<string, unknown>;
    expect(smart).toMatchObject({
      token_endpoint: `${base}/auth/token`,
      token_endpoint_auth_methods_supported: ['private_key_jwt'],
    });
    const metadata = (await (await fetch(`${base}/fhir/R4/metadata`)).json()) as {
      fhirVersion: string;
      rest: { resource: { type: string }[] }[];
    };
    expect(metadata.fhirVersion).toBe('4.0.1');
    expect(metadata.rest[0]!.resource.map((r) => r.type)).toEqual(
      expect.arrayContaining(['Patient', 'ServiceRequest', 'MedicationRequest', 'Appointment']),
    );
  });

  it('issues tokens only for valid client assertions, narrowed to the registered scopes', async () => {
    const denied = await tokenFor('ehr-integration', 'system/*.cruds', (await generateKeyPair('ES384')).privateKey);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toMatchObject({ error: 'invalid_client' });
    const narrowed = (await (await tokenFor('reporting', 'system/*.cruds system/Patient.rs')).json()) as {
      scope: string;
    };
    expect(narrowed.scope).toBe('system/Patient.rs');
    const noToken = await fetch(`${base}/fhir/R4`, { method: 'POST', headers: { 'content-type': FHIR }, body: '{}' });
    expect(noToken.status).toBe(401);
    expect(await noToken.json()).toMatchObject({ resourceType: 'OperationOutcome' });
  });

  it('takes in a Synthea transaction Bundle: identities sealed, facts published under the member id only, a re-post changes nothing', async () => {
    const token = await accessToken('system/*.cruds');
    const bundle = JSON.parse(readFileSync(SYNTHEA, 'utf8')) as {
      entry: { resource: { resourceType: string; name?: { family?: string }[] } }[];
    };
    const family = bundle.entry[0]!.resource.name![0]!.family!;
    const response = await post('/fhir/R4', bundle, token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      type: string;
      entry: { response: { status: string; outcome: { issue: { details: { text: string } }[] } } }[];
    };
    expect(body.type).toBe('transaction-response');
    expect(body.entry).toHaveLength(bundle.entry.length);
    expect(body.entry.some((e) => e.response.outcome.issue[0]!.details.text.includes('ignored'))).toBe(true);
    const stored = await count('event_store.events');
    expect(stored).toBeGreaterThan(0);
    const identity = await sql.query<{ member_id: string; sealed: string }>(
      'SELECT member_id, sealed FROM gateway.member_identity',
    );
    expect(identity.rows).toHaveLength(1);
    const memberId = identity.rows[0]!.member_id;
    expect(memberId).toMatch(/^mbr_/);
    expect(identity.rows[0]!.sealed).not.toContain(family);

    await waitFor(() => published.length >= stored, {
      timeoutMs: 20_000,
      description: `all ${stored} ingested facts on ${Topics.gatewayIngest}`,
    });
    expect(new Set(published.map((m) => m.key))).toEqual(new Set([memberId]));
    expect(published.some((m) => m.value.includes('"type":"MedicationOrdered"'))).toBe(true);
    expect(published.map((m) => m.value).join('\n')).not.toMatch(new RegExp(`${family}|fc712d1f|urn:uuid`));
    // Synthea names the prescriber only in the Bundle's Practitioner entry: that name is kept, sealed, for the care team.
    const staff = await sql.query<{ staff_id: string; sealed: string }>(
      'SELECT staff_id, sealed FROM gateway.staff_identity',
    );
    const directory = { sql: sqlOfPool(sql), vault: new IdentityVault(readGatewayConfig().identityKey) };
    expect(
      Object.values(
        await staffNamesOf(
          directory,
          staff.rows.map((row) => row.staff_id),
        ),
      ),
    ).toEqual(['Del Williamson']);
    expect(JSON.stringify(staff.rows)).not.toMatch(/Williamson/);
    expect(published.map((m) => m.value).join('\n')).not.toMatch(/Williamson/);

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
    const dangling = {
      resourceType: 'Condition',
      id: 'c1',
      subject: { reference: 'urn:uuid:00000000-0000-4000-8000-000000000000' },
      code: { text: 'x' },
    };
    const transaction = (...resources: object[]) => ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: resources.map((resource) => ({
        fullUrl: `urn:uuid:${randomUUID()}`,
        resource,
        request: { method: 'POST', url: (resource as { resourceType: string }).resourceType },
      })),
    });
    const badDate = await post('/fhir/R4', transaction({ resourceType: 'Patient', id: 'ok-1' }, patient), token);
    expect(badDate.status).toBe(400);
    expect(await badDate.json()).toMatchObject({ issue: [{ expression: ['Bundle.entry[1].resource.birthDate'] }] });

    const danglingRef = await post(
      '/fhir/R4',
      transaction(
        { resourceType: 'Patient', id: 'ok-2', identifier: [{ system: 'urn:mrn', value: 'MRN-1' }] },
        dangling,
      ),
      token,
    );
    expect(danglingRef.status).toBe(422);
    expect(await danglingRef.json()).toMatchObject({
      issue: [{ expression: ['Bundle.entry[1].resource.subject.reference'] }],
    });

    const tooLarge = await post(
      '/fhir/R4',
      { resourceType: 'Bundle', type: 'batch', padding: 'x'.repeat(1_100_000) },
      token,
    );
    expect(tooLarge.status).toBe(413);

    expect(await count('event_store.events')).toBe(events);
    expect(await count('gateway.member_identity')).toBe(identities);
  });

  it('audits a body refused before any handler (413 too large, 400 malformed) as a failure, naming the caller and never the EHR id in the path', async () => {
    const token = await accessToken('system/*.cruds');
    const refusals = async () =>
      (
        await sql.query<{ operation: string; action: string; resource_types: string[]; n: string }>(
          `SELECT operation, action, resource_types, sum(count)::text AS n FROM gateway.audit_event WHERE agent = 'ehr-integration' AND outcome = '4' GROUP BY operation, action, resource_types ORDER BY operation`,
        )
      ).rows;
    const keyOf = (row: { operation: string; action: string; resource_types: string[] }) =>
      `${row.operation} ${row.action} ${row.resource_types.join(',')}`;
    const before = new Map((await refusals()).map((row) => [keyOf(row), Number(row.n)]));
    const grew = async (operation: string, action: string, resourceTypes: string[]) => {
      const key = keyOf({ operation, action, resource_types: resourceTypes });
      const row = (await refusals()).find((r) => keyOf(r) === key);
      expect({ key, n: Number(row?.n ?? 0) }).toEqual({ key, n: (before.get(key) ?? 0) + 1 });
    };
    const tooLarge = await post(
      '/fhir/R4',
      { resourceType: 'Bundle', type: 'batch', padding: 'x'.repeat(1_100_000) },
      token,
    );
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'too-costly' }] });
    await grew('POST /fhir/R4', 'E', ['Bundle']);
    const largePatient = await post(
      '/fhir/R4/Patient/ehr-secret-id-77',
      { resourceType: 'Patient', id: 'ehr-secret-id-77', padding: 'x'.repeat(1_100_000) },
      token,
      'PUT',
    );
    expect(largePatient.status).toBe(413);
    await grew('PUT /fhir/R4/:type/:id', 'U', ['Patient']);
    const malformed = await post('/fhir/R4/Observation', '{"resourceType": "Observation",', token);
    expect(malformed.status).toBe(400);
    await grew('POST /fhir/R4/:type', 'C', ['Observation']);
    const anonymous = await fetch(`${base}/fhir/R4`, {
      method: 'POST',
      headers: { 'content-type': FHIR },
      body: JSON.stringify({ padding: 'x'.repeat(1_100_000) }),
    });
    expect(anonymous.status).toBe(413);
    const all = await sql.query<{ operation: string }>(`SELECT operation FROM gateway.audit_event`);
    expect(all.rows.map((row) => row.operation).join('\n')).not.toContain('ehr-secret-id-77');
    expect(
      (
        await sql.query(
          `SELECT 1 FROM gateway.audit_event WHERE agent = 'anonymous' AND operation = 'POST /fhir/R4' AND outcome = '4'`,
        )
      ).rowCount,
    ).toBeGreaterThan(0);
  });

  it('accepts out-of-scope types and codes as ignored, and takes single resources for a known patient', async () => {
    const token = await accessToken('system/*.cruds');
    const organization = await post('/fhir/R4/Organization', example('Organization-1'), token);
    expect(organization.status).toBe(200);
    expect(JSON.stringify(await organization.json())).toContain('ignored');
    expect((await post('/fhir/R4/Patient/pat1', example('Patient-pat1'), token, 'PUT')).status).toBe(200);
    const vitals = await post(
      '/fhir/R4/Observation',
      { ...example('Observation-heart-rate'), subject: { reference: 'Patient/pat1' } },
      token,
    );
    expect(JSON.stringify(await vitals.json())).toContain('ignored');
    const order = await post('/fhir/R4/MedicationRequest', example('MedicationRequest-medrx0311'), token);
    expect(order.status).toBe(201);
    expect((await post('/fhir/R4/MedicationRequest', example('MedicationRequest-medrx0311'), token)).status).toBe(200);
  });

  it('enforces scopes and audits every access, denials included, for administrators as AuditEvents', async () => {
    const readOnly = ((await (await tokenFor('reporting', 'system/*.rs')).json()) as { access_token: string })
      .access_token;
    const denied = await post('/fhir/R4/Patient', { resourceType: 'Patient' }, readOnly);
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ issue: [{ code: 'forbidden' }] });

    const admin = await accessToken('system/AuditEvent.rs');
    const audit = (await (
      await fetch(`${base}/admin/audit-events?_count=500`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as {
      entry: {
        resource: { resourceType: string; outcome: string; agent: { who: { identifier: { value: string } } }[] };
      }[];
    };
    expect(audit.entry.every((e) => e.resource.resourceType === 'AuditEvent')).toBe(true);
    expect(
      audit.entry.some((e) => e.resource.outcome === '4' && e.resource.agent[0]!.who.identifier.value === 'reporting'),
    ).toBe(true);
    expect(
      audit.entry.some((e) => e.resource.outcome === '4' && e.resource.agent[0]!.who.identifier.value === 'anonymous'),
    ).toBe(true);
    expect(audit.entry.some((e) => e.resource.outcome === '0')).toBe(true);
    expect(
      (await fetch(`${base}/admin/audit-events`, { headers: { authorization: `Bearer ${readOnly}` } })).status,
    ).toBe(200);
    const ingestOnly = await accessToken('system/Patient.c');
    expect(
      (await fetch(`${base}/admin/audit-events`, { headers: { authorization: `Bearer ${ingestOnly}` } })).status,
    ).toBe(403);
  });
  it("publishes a Patient's birth date as PatientRecorded and a Flag and an acute-distress Observation, keyed by the member id, once", async () => {
    const token = await accessToken('system/*.cruds');
    const subject = { reference: 'Patient/pat-flag-1' };
    const patient = {
      resourceType: 'Patient',
      id: 'pat-flag-1',
      active: true,
      birthDate: '2003-05-17',
      name: [{ family: 'Flagfamily' }],
      identifier: [{ system: 'urn:mrn', value: 'MRN-FLAG-1' }],
    };
    const flag = {
      resourceType: 'Flag',
      id: 'flag-distress-1',
      status: 'active',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/flag-category', code: 'clinical' }] }],
      code: { coding: [{ ...ACUTE_DISTRESS_CODING }], text: 'Free text that stays here' },
      subject,
      period: { start: '2026-03-02T09:00:00Z' },
    };
    const distress = {
      resourceType: 'Observation',
      id: 'obs-distress-1',
      status: 'final',
      code: { coding: [{ ...ACUTE_DISTRESS_CODING }] },
      subject,
      effectiveDateTime: '2026-03-02T09:05:00Z',
    };
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [patient, flag, distress].map((resource) => ({
        resource,
        request: { method: 'PUT', url: `${resource.resourceType}/${resource.id}` },
      })),
    };
    const response = await post('/fhir/R4', bundle, token);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { entry: { response: { status: string } }[] };
    expect(body.entry.map((e) => e.response.status)).toEqual(['200 OK', '201 Created', '201 Created']);
    const memberId = (
      await sql.query<{ member_id: string }>(
        `SELECT data->>'memberId' AS member_id FROM event_store.events WHERE data->>'resourceKey' = 'Flag/flag-distress-1'`,
      )
    ).rows[0]?.member_id;
    expect(memberId).toMatch(/^mbr_/);

    type Message = { key: string; event: { type: string; subject: string; payload: Record<string, unknown> } };
    const ofMember = () =>
      published
        .filter((m) => m.key === memberId)
        .map((m): Message => ({ key: m.key, event: JSON.parse(m.value) as Message['event'] }));
    const events = await waitFor(() => (ofMember().length >= 3 ? ofMember() : undefined), {
      timeoutMs: 20_000,
      description: `PatientRecorded, FlagRecorded and ObservationRecorded for ${memberId} on ${Topics.gatewayIngest}`,
    });
    expect(events.map((m) => m.event.type).sort()).toEqual(['FlagRecorded', 'ObservationRecorded', 'PatientRecorded']);
    expect(events.every((m) => m.event.subject === memberId)).toBe(true);
    const byType = Object.fromEntries(events.map((m) => [m.event.type, m.event.payload]));
    expect(byType['PatientRecorded']).toEqual({
      resourceId: expect.any(String),
      revision: 1,
      active: true,
      birthDate: '2003-05-17',
    });
    expect(byType['FlagRecorded']).toMatchObject({
      status: 'active',
      codes: [{ ...ACUTE_DISTRESS_CODING }],
      period: { start: '2026-03-02T09:00:00Z' },
    });
    expect(byType['ObservationRecorded']).toMatchObject({ status: 'final', codes: [{ ...ACUTE_DISTRESS_CODING }] });
    const raw = published
      .filter((m) => m.key === memberId)
      .map((m) => m.value)
      .join('\n');
    expect(raw).not.toMatch(/Flagfamily|MRN-FLAG-1|pat-flag-1|flag-distress-1|obs-distress-1|Free text/);

    // The same Bundle again, and the Patient with only its name changed (kept in the vault): nothing more published.
    const stored = await count('event_store.events');
    expect((await post('/fhir/R4', bundle, token)).status).toBe(200);
    expect(
      (await post('/fhir/R4/Patient/pat-flag-1', { ...patient, name: [{ family: 'Renamed' }] }, token, 'PUT')).status,
    ).toBe(200);
    expect(await count('event_store.events')).toBe(stored);
    // A changed birth date is the Patient's next revision.
    expect(
      (await post('/fhir/R4/Patient/pat-flag-1', { ...patient, birthDate: '2003-05-18' }, token, 'PUT')).status,
    ).toBe(200);
    const revised = await waitFor(
      () => ofMember().find((m) => m.event.type === 'PatientRecorded' && m.event.payload['revision'] === 2),
      { timeoutMs: 20_000, description: "the Patient's second PatientRecorded" },
    );
    expect(revised.event.payload).toMatchObject({
      birthDate: '2003-05-18',
      resourceId: byType['PatientRecorded']!['resourceId'],
    });
  }, 40_000);

  it("keeps a MedicationRequest's requester display, sealed, as the prescriber's name; a name the directory has stays", async () => {
    const token = await accessToken('system/*.cruds');
    expect((await post('/fhir/R4/Patient/pat1', example('Patient-pat1'), token, 'PUT')).status).toBe(200);
    const directory = { sql: sqlOfPool(sql), vault: new IdentityVault(readGatewayConfig().identityKey) };
    const prescriber = pseudonymousStaffId(readGatewayConfig().identityKey, 'Practitioner/f007')!;
    const renamed = pseudonymousStaffId(readGatewayConfig().identityKey, 'Practitioner/f008')!;
    await recordStaffName(directory, renamed, 'Dr Known Already');
    const order = example('MedicationRequest-medrx0311'); // requester Practitioner/f007, display "Patrick Pump"
    expect((await post('/fhir/R4/MedicationRequest', order, token)).status).toBeLessThan(300);
    const other = {
      ...order,
      id: 'medrx0311-f008',
      requester: { reference: 'Practitioner/f008', display: 'Someone Else' },
    };
    expect((await post('/fhir/R4/MedicationRequest', other, token)).status).toBeLessThan(300);

    expect(await staffNamesOf(directory, [prescriber, renamed])).toEqual({
      [prescriber]: 'Patrick Pump',
      [renamed]: 'Dr Known Already',
    });
    const sealed = await sql.query<{ sealed: string }>('SELECT sealed FROM gateway.staff_identity');
    expect(JSON.stringify(sealed.rows)).not.toMatch(/Patrick|Pump|f007/);
    // The name is for the directory only: nothing published about the orders names the prescriber.
    const stored = await count('event_store.events');
    await waitFor(() => published.length >= stored, {
      timeoutMs: 20_000,
      description: `all ${stored} ingested facts on ${Topics.gatewayIngest}`,
    });
    expect(published.map((m) => m.value).join('\n')).not.toMatch(/Patrick Pump|Someone Else/);
  });

  it('lists Flag as taken in by its CapabilityStatement', async () => {
    const metadata = (await (await fetch(`${base}/fhir/R4/metadata`)).json()) as {
      rest: { resource: { type: string; interaction: { code: string }[] }[] }[];
    };
    expect(metadata.rest[0]!.resource.find((r) => r.type === 'Flag')?.interaction.map((i) => i.code)).toEqual(
      expect.arrayContaining(['create', 'update']),
    );
  });
});
