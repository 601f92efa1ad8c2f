import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { FHIR_JSON_TYPE as FHIR, startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';

describe('gateway FHIR ingest refuses codes outside required value sets (real PostgreSQL, Kafka, HTTP)', () => {
  let gateway: GatewayHarness;
  let sql: Client;

  const count = async (table: string) =>
    Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
  const post = async (body: unknown) =>
    fetch(`${gateway.base}/fhir/R4`, {
      method: 'POST',
      headers: {
        'content-type': FHIR,
        authorization: `Bearer ${await gateway.accessToken('ehr-integration', 'system/*.cruds')}`,
      },
      body: JSON.stringify(body),
    });

  /** A new synthetic patient with an active condition and a medication order of the given status. */
  const transaction = (orderStatus: string) => {
    const patientUrl = `urn:uuid:${randomUUID()}`;
    const resources = [
      {
        resourceType: 'Patient',
        identifier: [{ system: 'urn:example:mrn', value: randomUUID() }],
        gender: 'female',
        birthDate: '1950-04-01',
      },
      {
        resourceType: 'Condition',
        clinicalStatus: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
        },
        code: { coding: [{ system: 'http://snomed.info/sct', code: '44054006' }] },
        subject: { reference: patientUrl },
      },
      {
        resourceType: 'MedicationRequest',
        status: orderStatus,
        intent: 'order',
        medicationCodeableConcept: {
          coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '860975' }],
        },
        subject: { reference: patientUrl },
        authoredOn: '2026-01-05',
      },
    ];
    return {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: resources.map((resource, index) => ({
        fullUrl: index === 0 ? patientUrl : `urn:uuid:${randomUUID()}`,
        resource,
        request: { method: 'POST', url: resource.resourceType },
      })),
    };
  };

  beforeAll(async () => {
    gateway = await startGatewayHarness({
      database: 'gateway_fhir_codes',
      clients: [{ clientId: 'ehr-integration', scope: 'system/*.cruds' }],
    });
    sql = new Client({ connectionString: gateway.db.url });
    await sql.connect();
  }, 60_000);

  afterAll(async () => {
    await sql?.end();
    await gateway?.stop();
  }, 30_000);

  it('answers a transaction with one invalid code with 400 and where it is, and records nothing of it', async () => {
    const events = await count('event_store.events');
    const identities = await count('gateway.member_identity');

    const refused = await post(transaction('bogus'));
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      resourceType: 'OperationOutcome',
      issue: [
        {
          severity: 'error',
          code: 'code-invalid',
          details: {
            text: 'The code of MedicationRequest.status is not in the required value set MedicationRequestStatus (http://hl7.org/fhir/ValueSet/medicationrequest-status)',
          },
          expression: ['Bundle.entry[2].resource.status'],
        },
      ],
    });
    expect(await count('event_store.events')).toBe(events);
    expect(await count('gateway.member_identity')).toBe(identities);

    // The same Bundle with a valid status goes through: the code was the only thing wrong.
    const accepted = await post(transaction('active'));
    expect(accepted.status).toBe(200);
    expect(await count('gateway.member_identity')).toBe(identities + 1);
    expect(await count('event_store.events')).toBeGreaterThan(events);
  }, 30_000);
});
