import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { FHIR_JSON_TYPE as FHIR, startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';

interface Outcome {
  resourceType: string;
  issue: { code: string; expression?: string[]; details: { text: string } }[];
}

/** What a refused request must leave as it was: the recorded facts and the identity tables. */
const STATE_TABLES = ['event_store.events', 'gateway.member_identity', 'gateway.member_lookup'];

describe('gateway FHIR input limits, FHIR ids and identity conflicts (real PostgreSQL, Kafka, HTTP)', () => {
  let gateway: GatewayHarness;
  let sql: Client;
  let token: string;

  const state = async () =>
    Promise.all(
      STATE_TABLES.map(async (table) =>
        Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n),
      ),
    );
  const send = (path: string, body: unknown, method = 'POST', contentType = FHIR) =>
    fetch(`${gateway.base}${path}`, {
      method,
      headers: { 'content-type': contentType, authorization: `Bearer ${token}` },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const outcome = async (response: Response) => {
    expect(response.headers.get('content-type')).toContain('application/fhir+json');
    return (await response.json()) as Outcome;
  };
  const reviews = async () =>
    (
      await sql.query<{ reason_code: string; member_ids: string[]; resource_type: string }>(
        'SELECT reason_code, member_ids, resource_type FROM gateway.identity_review ORDER BY seq',
      )
    ).rows;
  /** Registers a Patient by PUT; its member id, as the audit trail recorded it. */
  const register = async (resource: { id?: string }) => {
    expect((await send(`/fhir/R4/Patient/${resource.id}`, resource, 'PUT')).status).toBe(200);
    const { rows } = await sql.query<{ member_ids: string[] }>(
      `SELECT member_ids FROM gateway.audit_event WHERE action = 'U' ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0]!.member_ids[0]!;
  };
  const patient = (id: string | undefined, ...mrns: string[]) => ({
    resourceType: 'Patient',
    ...(id ? { id } : {}),
    identifier: mrns.map((value) => ({ system: 'urn:example:mrn', value })),
    name: [{ family: 'Synthetic' }],
  });
  const observation = (subject: string) => ({
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '44261-6' }] },
    subject: { reference: subject },
    effectiveDateTime: '2026-11-02T10:00:00Z',
    valueQuantity: { value: 7 },
  });
  const bundle = (type: 'batch' | 'transaction', ...resources: { resource: object; fullUrl?: string }[]) => ({
    resourceType: 'Bundle',
    type,
    entry: resources.map(({ resource, fullUrl }) => ({
      fullUrl: fullUrl ?? `urn:uuid:${randomUUID()}`,
      resource,
      request: { method: 'POST', url: (resource as { resourceType: string }).resourceType },
    })),
  });

  beforeAll(async () => {
    gateway = await startGatewayHarness({
      database: 'gateway_fhir_input',
      fhirBodyLimit: '1mb',
      clients: [
        { clientId: 'ehr-integration', scope: 'system/*.cruds' },
        { clientId: 'auditor', scope: 'system/AuditEvent.rs' },
        { clientId: 'ingest-only', scope: 'system/Patient.cu' },
      ],
      env: { GATEWAY_BUNDLE_MAX_ENTRIES: '5' },
    });
    sql = new Client({ connectionString: gateway.db.url });
    await sql.connect();
    token = await gateway.accessToken('ehr-integration', 'system/*.cruds');
  }, 60_000);

  afterAll(async () => {
    await sql?.end();
    await gateway?.stop();
  }, 30_000);

  it('answers a 50,000-deep body with 400 OperationOutcome on FHIR routes (both JSON types), in the usual error shape elsewhere', async () => {
    const before = await state();
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    for (const contentType of [FHIR, 'application/json']) {
      const response = await send('/fhir/R4', deep, 'POST', contentType);
      expect(response.status).toBe(400);
      expect(await outcome(response)).toEqual({
        resourceType: 'OperationOutcome',
        issue: [
          { severity: 'error', code: 'too-costly', details: { text: 'The JSON body is nested deeper than 64 levels' } },
        ],
      });
    }
    for (const contentType of [FHIR, 'application/json']) {
      const elsewhere = await send('/cds-services/any', deep, 'POST', contentType);
      expect(elsewhere.status).toBe(400);
      expect(await elsewhere.json()).toEqual({
        statusCode: 400,
        error: 'Bad Request',
        message: 'The JSON body is nested deeper than 64 levels',
      });
      const malformed = await send('/cds-services/any', '{"patient": Jane Doe}', 'POST', contentType);
      expect(malformed.status).toBe(400);
      expect(await malformed.text()).not.toContain('Jane');
    }
    const tooLarge = await send('/fhir/R4', {
      resourceType: 'Bundle',
      type: 'batch',
      padding: 'Jane Doe '.repeat(150_000),
    });
    expect(tooLarge.status).toBe(413);
    expect(JSON.stringify(await outcome(tooLarge))).not.toContain('Jane');
    expect(await state()).toEqual(before);
  });

  it('refuses a Bundle over GATEWAY_BUNDLE_MAX_ENTRIES whole with 413 too-costly, and takes one at the cap', async () => {
    const before = await state();
    const entries = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        resource: i === 0 ? patient(undefined, `cap-${randomUUID()}`) : { resourceType: 'Organization', name: 'x' },
      }));
    const over = await send('/fhir/R4', bundle('batch', ...entries(6)));
    expect(over.status).toBe(413);
    expect((await outcome(over)).issue).toEqual([
      {
        severity: 'error',
        code: 'too-costly',
        details: { text: 'The Bundle has more than 5 entries' },
        expression: ['Bundle.entry'],
      },
    ]);
    expect(await state()).toEqual(before);
    expect((await send('/fhir/R4', bundle('batch', ...entries(5)))).status).toBe(200);
  });

  it('holds path ids, resource ids and Patient references to the FHIR id rule: 400 at the FHIRPath, the value never echoed', async () => {
    const before = await state();
    const cases: [Promise<Response>, string][] = [
      [send('/fhir/R4/Patient/Jane%20Doe', patient('Jane Doe'), 'PUT'), 'Patient.id'],
      [
        fetch(`${gateway.base}/fhir/R4/Observation/Jane%20Doe`, { headers: { authorization: `Bearer ${token}` } }),
        'Observation.id',
      ],
      [
        fetch(`${gateway.base}/fhir/R4/Basic/${'x'.repeat(65)}`, { headers: { authorization: `Bearer ${token}` } }),
        'Basic.id',
      ],
      [
        send('/fhir/R4', bundle('transaction', { resource: patient('Jane_Doe', 'MRN-ids') })),
        'Bundle.entry[0].resource.id',
      ],
      [
        send('/fhir/R4', bundle('transaction', { resource: observation('Patient/Jane Doe') })),
        'Bundle.entry[0].resource.subject.reference',
      ],
      [send('/fhir/R4/Observation', observation('Patient/Jane_Doe')), 'Observation.subject.reference'],
      [
        send(
          '/fhir/R4',
          JSON.parse(
            '{"resourceType":"Bundle","type":"batch","entry":[{"resource":{"resourceType":"Patient","__proto__":{"Jane":1}},"request":{"method":"POST"}}]}',
          ),
        ),
        '',
      ],
    ];
    for (const [pending, expression] of cases) {
      const response = await pending;
      const body = await outcome(response);
      expect({ expression, status: response.status }).toEqual({ expression, status: expression ? 400 : 200 });
      if (expression)
        expect(body.issue).toEqual([expect.objectContaining({ code: 'value', expression: [expression] })]);
      else
        expect(body).toMatchObject({
          entry: [{ response: { status: '400', outcome: { issue: [{ code: 'structure' }] } } }],
        });
      expect(JSON.stringify(body)).not.toContain('Jane');
    }
    // Authentication still comes first.
    expect((await fetch(`${gateway.base}/fhir/R4/Observation/Jane%20Doe`)).status).toBe(401);
    expect(await state()).toEqual(before);
  });

  it('never merges two EHR patients who share an identifier: 409 duplicate, nothing recorded, a review item without the identifier', async () => {
    const first = await register(patient('p-first', 'MRN-shared'));
    const before = await state();

    const second = await send('/fhir/R4/Patient/p-second', patient('p-second', 'MRN-other', 'MRN-shared'), 'PUT');
    expect(second.status).toBe(409);
    expect((await outcome(second)).issue).toEqual([
      expect.objectContaining({ code: 'duplicate', expression: ['Patient.identifier[1]'] }),
    ]);
    expect(await state()).toEqual(before);
    expect(await reviews()).toEqual([
      { reason_code: 'identifier-of-another-patient', member_ids: [first], resource_type: 'Patient' },
    ]);
    const row = JSON.stringify((await sql.query('SELECT * FROM gateway.identity_review')).rows);
    expect(row).not.toMatch(/MRN|p-second|p-first|Synthetic/);

    // The second patient's data is not attributed to the first: its reference resolves to nothing.
    const orphan = await send('/fhir/R4/Observation', observation('Patient/p-second'));
    expect(orphan.status).toBe(422);
    expect(await state()).toEqual(before);
  });

  it('refuses a known patient who now carries an identifier of another member, and a transaction that would merge, recording none of it', async () => {
    const first = await register(patient('p-first', 'MRN-shared'));
    const third = await register(patient('p-third', 'MRN-third'));
    const before = await state();
    const filed = (await reviews()).length;

    const moved = await send('/fhir/R4/Patient/p-third', patient('p-third', 'MRN-third', 'MRN-shared'), 'PUT');
    expect(moved.status).toBe(409);
    expect((await outcome(moved)).issue).toEqual([
      expect.objectContaining({ code: 'duplicate', expression: ['Patient.identifier[1]'] }),
    ]);

    const newPatientUrl = `urn:uuid:${randomUUID()}`;
    const transaction = bundle(
      'transaction',
      { resource: patient('p-fourth', 'MRN-fourth'), fullUrl: newPatientUrl },
      { resource: observation(newPatientUrl) },
      { resource: patient('p-fifth', 'MRN-fourth') },
    );
    const refused = await send('/fhir/R4', transaction);
    expect(refused.status).toBe(409);
    expect((await outcome(refused)).issue).toEqual([
      expect.objectContaining({ code: 'duplicate', expression: ['Bundle.entry[2].resource.identifier[0]'] }),
    ]);
    expect(await state()).toEqual(before);
    expect((await reviews()).slice(filed)).toEqual([
      { reason_code: 'identifiers-of-several-members', member_ids: [first, third].sort(), resource_type: 'Patient' },
      // p-fourth existed only inside the refused transaction: the review names no member.
      { reason_code: 'identifier-of-another-patient', member_ids: [], resource_type: 'Patient' },
    ]);

    // As a batch, only the conflicting entry is refused.
    const batch = await send('/fhir/R4', { ...transaction, type: 'batch' });
    expect(batch.status).toBe(200);
    const statuses = ((await batch.json()) as { entry: { response: { status: string } }[] }).entry.map(
      (entry) => entry.response.status,
    );
    expect(statuses).toEqual(['200 OK', '201 Created', '409']);
    expect((await reviews()).length).toBe(filed + 3);
  });

  it('lists the open review items to administrators only, by member id and reason', async () => {
    const list = (bearer: string) =>
      fetch(`${gateway.base}/admin/identity-reviews`, { headers: { authorization: `Bearer ${bearer}` } });
    const answer = await list(await gateway.accessToken('auditor', 'system/AuditEvent.rs'));
    expect(answer.status).toBe(200);
    const { items } = (await answer.json()) as {
      items: { reasonCode: string; memberIds: string[]; detectedAt: string }[];
    };
    expect(items.map((item) => item.reasonCode)).toEqual((await reviews()).map((row) => row.reason_code));
    expect(JSON.stringify(items)).not.toMatch(/MRN|p-first|Synthetic/);
    expect((await list(await gateway.accessToken('ingest-only', 'system/Patient.cu'))).status).toBe(403);
    expect((await fetch(`${gateway.base}/admin/identity-reviews`)).status).toBe(401);
  });
});
