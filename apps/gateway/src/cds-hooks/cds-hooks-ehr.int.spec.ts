import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Client } from 'pg';
import { bootstrapService, connectKafkaConsumer } from '@carecircle/platform/service-kit';
import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
// The real clinician-liaison answers the cards: the test drives the whole server-to-server path in-process.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { AppModule as LiaisonModule } from '../../../clinician-liaison/src/app.module';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { liaisonDomainErrors } from '../../../clinician-liaison/src/service-options';
import { FHIR_JSON_TYPE, startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';
import { startStandInEhr, type StandInEhr } from '../testing/stand-in-ehr';

jest.setTimeout(60_000);

const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const EHR_CLIENT = 'stand-in-ehr';
const SELECT = 'carecircle-medication-select';
const OPEN_ALERTS = 'carecircle-open-alerts';

/** Synthetic, nameless: the EHR's patient, known to CareCircle through an earlier FHIR ingest. */
const patient = {
  resourceType: 'Patient' as const,
  id: 'ehr-pat-7',
  identifier: [{ system: 'urn:stand-in-ehr:mrn', value: 'SYN-0007' }],
  name: [{ family: 'Synthetic', given: ['Seven'] }],
  birthDate: '1961-04-02',
};
const oxycodone = {
  resourceType: 'MedicationRequest' as const,
  id: 'ehr-med-oxy',
  status: 'active' as const,
  intent: 'order' as const,
  medicationCodeableConcept: { coding: [{ system: RXNORM, code: '7804', display: 'oxycodone' }] },
  subject: { reference: 'Patient/ehr-pat-7' },
  authoredOn: '2026-11-20',
  dosageInstruction: [
    {
      timing: { repeat: { frequency: 4, period: 1, periodUnit: 'd' as const } },
      doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg' } }],
    },
  ],
};
const gabapentinDraft = {
  resourceType: 'MedicationRequest',
  id: 'draft-gaba',
  status: 'draft',
  intent: 'order',
  medicationCodeableConcept: { coding: [{ system: RXNORM, code: '25480', display: 'gabapentin' }] },
  subject: { reference: 'Patient/ehr-pat-7' },
  dosageInstruction: [
    {
      timing: { repeat: { frequency: 3, period: 1, periodUnit: 'd' } },
      doseAndRate: [{ doseQuantity: { value: 300, unit: 'mg' } }],
    },
  ],
};

/**
 * CDS Hooks 2.0 and SMART Backend Services as an EHR does them, against a stand-in EHR with its own keys,
 * JWKS (rotated), FHIR endpoint and JWTs, never CareCircle's tokens: the gateway in-process (real
 * PostgreSQL, Kafka protocol, HTTP) and the real clinician-liaison behind it, through a recording proxy.
 */
describe('CDS Hooks and SMART backend services for a registered EHR (stand-in EHR, gateway and clinician-liaison)', () => {
  let ehr: StandInEhr;
  let gateway: GatewayHarness;
  let liaison: INestApplication | undefined;
  let liaisonDb: TestDatabase | undefined;
  let recorder: Server;
  let liaisonUrl = '';
  const forwarded: { method: string; url: string; body: string }[] = [];
  let base = '';

  const serviceUrl = (id: string) => `${base}/cds-services/${id}`;
  const invoke = (id: string, body: unknown, token: string) =>
    fetch(serviceUrl(id), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const hookRequest = (hook: string, extra: Record<string, unknown> = {}, context: Record<string, unknown> = {}) => ({
    hook,
    hookInstance: crypto.randomUUID(),
    context: { userId: 'Practitioner/ehr-prac-1', patientId: patient.id, ...context },
    ...extra,
  });
  const auditEvents = async () => {
    const admin = await gateway.accessToken('auditor', 'system/AuditEvent.rs');
    const bundle = (await (
      await fetch(`${base}/admin/audit-events?_count=1000`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as {
      entry: {
        resource: { outcome: string; outcomeDesc: string; agent: { who: { identifier: { value: string } } }[] };
      }[];
    };
    return bundle.entry.map((e) => e.resource);
  };
  const liaisonEvents = async (memberId: string) => {
    const pg = new Client({ connectionString: liaisonDb!.url });
    await pg.connect();
    try {
      return (
        await pg.query<{ type: string }>('SELECT type FROM event_store.events WHERE stream_id = $1', [
          `coordination-${memberId}`,
        ])
      ).rows.map((r) => r.type);
    } finally {
      await pg.end();
    }
  };
  const tokenFor = async (clientId: string) =>
    fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope: 'system/DetectedIssue.r',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await ehr.clientAssertion(clientId, `${base}/auth/token`),
      }),
    });

  beforeAll(async () => {
    ehr = await startStandInEhr();
    ehr.serve(patient, [oxycodone]);
    // Records what reaches clinician-liaison and passes it on: "nothing forwarded" is observed, not assumed.
    recorder = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        forwarded.push({ method: req.method ?? '', url: req.url ?? '', body });
        const upstream = httpRequest(
          `${liaisonUrl}${req.url}`,
          { method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.writeHead(502).end());
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    gateway = await startGatewayHarness({
      database: 'gateway_cds_ehr',
      clients: [
        { clientId: 'records', scope: 'system/Patient.cu' },
        { clientId: 'auditor', scope: 'system/AuditEvent.rs' },
        { clientId: 'ehr-backend', scope: 'system/DetectedIssue.r', jwksUri: ehr.jwksUri },
      ],
      env: {
        CLINICIAN_LIAISON_URL: `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`,
        CDS_CLIENTS: JSON.stringify([
          {
            iss: ehr.iss,
            jwksUri: ehr.jwksUri,
            fhirServers: [ehr.fhirServer],
            clientId: EHR_CLIENT,
            scope: 'system/DetectedIssue.r system/MedicationRequest.cu',
          },
        ]),
        // Every unknown kid may refetch at once here; production keeps the 30 s default.
        GATEWAY_JWKS_REFETCH_COOLDOWN_MS: '0',
      },
    });
    base = gateway.base;
    liaisonDb = await createTestDatabase('liaison_cds_ehr');
    const gatewayEnv = { ...process.env };
    Object.assign(process.env, {
      DATABASE_URL: liaisonDb.url,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      // Liaison's own events are not needed here; publishing them would create the topic under the gateway's running consumers.
      OUTBOX_RELAY_ENABLED: 'false',
      // Liaison takes only tokens the gateway minted for it, as in production.
      AUTH_TRUSTED_ISSUERS: JSON.stringify([{ issuer: base, jwksUri: `${base}/.well-known/jwks.json` }]),
    });
    try {
      liaison = await bootstrapService({
        name: 'clinician-liaison',
        rootModule: LiaisonModule,
        port: 0,
        domainErrors: liaisonDomainErrors,
        configure: (a) => {
          connectKafkaConsumer(a, 'clinician-liaison');
        },
      });
    } finally {
      process.env = gatewayEnv;
    }
    liaisonUrl = (await liaison.getUrl()).replace('[::1]', '127.0.0.1');
    const records = await gateway.accessToken('records', 'system/Patient.cu');
    const put = await fetch(`${base}/fhir/R4/Patient/${patient.id}`, {
      method: 'PUT',
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${records}` },
      body: JSON.stringify(patient),
    });
    expect(put.status).toBe(200);
  }, 60_000);

  afterAll(async () => {
    await liaison?.close();
    await gateway?.stop();
    await liaisonDb?.drop();
    await new Promise<void>((resolve) => (recorder ? recorder.close(() => resolve()) : resolve()));
    await ehr?.stop();
  }, 30_000);

  it('declares prefetch templates in discovery', async () => {
    const response = await fetch(`${base}/cds-services`);
    expect(response.status).toBe(200);
    const { services } = (await response.json()) as { services: { id: string; prefetch: Record<string, string> }[] };
    expect(services.map((s) => s.id)).toEqual(expect.arrayContaining([OPEN_ALERTS, SELECT]));
    for (const service of services) {
      expect(service.prefetch).toEqual({
        patient: 'Patient/{{context.patientId}}',
        medications: 'MedicationRequest?patient={{context.patientId}}&status=active',
      });
    }
  });

  it("takes the prefetched medications in, then answers a real card with data fetched through fhirAuthorization, all on the EHR's own JWTs", async () => {
    const first = await invoke(
      SELECT,
      hookRequest(
        'order-select',
        { prefetch: { patient, medications: ehr.medicationBundle() } },
        { draftOrders: { resourceType: 'Bundle', entry: [{ resource: gabapentinDraft }] } },
      ),
      await ehr.cdsJwt(serviceUrl(SELECT)),
    );
    expect(first.status).toBe(200);
    const sent = forwarded.filter((f) => f.url === `/cds-services/${SELECT}`);
    expect(sent).toHaveLength(1);
    const body = JSON.parse(sent[0]!.body) as { context: { patientId: string } };
    const memberId = body.context.patientId;
    expect(memberId).toMatch(/^mbr_/);
    expect(sent[0]!.body).not.toMatch(/ehr-pat-7|SYN-0007|Synthetic|prefetch/);
    // The prefetched oxycodone went through the ingest to liaison's coordination state.
    await waitFor(async () => (await liaisonEvents(memberId)).includes('MedicationStarted'), {
      timeoutMs: 20_000,
      description: 'liaison to record the prefetched oxycodone',
    });

    // No prefetch now: the gateway reads the EHR's FHIR server (registered) with the EHR's token.
    const seen = ehr.fhirRequests.length;
    const second = await invoke(
      SELECT,
      hookRequest(
        'order-select',
        {
          fhirServer: ehr.fhirServer,
          fhirAuthorization: {
            access_token: ehr.fhirAccessToken,
            token_type: 'Bearer',
            expires_in: 300,
            scope: 'patient/*.read',
            subject: 'carecircle',
          },
        },
        { draftOrders: { resourceType: 'Bundle', entry: [{ resource: gabapentinDraft }] } },
      ),
      await ehr.cdsJwt(serviceUrl(SELECT)),
    );
    expect(second.status).toBe(200);
    const { cards } = (await second.json()) as { cards: { summary: string; indicator: string }[] };
    expect(cards.map((c) => c.summary)).toEqual([expect.stringMatching(/gabapentin with oxycodone/)]);
    expect(ehr.fhirRequests.slice(seen)).toEqual([
      { path: '/fhir/Patient/ehr-pat-7', authorization: `Bearer ${ehr.fhirAccessToken}` },
      {
        path: '/fhir/MedicationRequest?patient=ehr-pat-7&status=active',
        authorization: `Bearer ${ehr.fhirAccessToken}`,
      },
    ]);
    // The EHR's FHIR token never reaches liaison.
    expect(forwarded.every((f) => !f.body.includes(ehr.fhirAccessToken))).toBe(true);
  });

  it('fetches nothing from a fhirServer the EHR did not register, and answers empty cards for an unknown patient', async () => {
    const seen = ehr.fhirRequests.length;
    const elsewhere = await invoke(
      OPEN_ALERTS,
      hookRequest('patient-view', {
        fhirServer: `${ehr.base}/other-fhir`,
        fhirAuthorization: { access_token: ehr.fhirAccessToken, token_type: 'Bearer' },
      }),
      await ehr.cdsJwt(serviceUrl(OPEN_ALERTS)),
    );
    expect(elsewhere.status).toBe(200);
    expect(ehr.fhirRequests.length).toBe(seen);
    const unknown = await invoke(
      OPEN_ALERTS,
      hookRequest('patient-view', {}, { patientId: 'not-a-member' }),
      await ehr.cdsJwt(serviceUrl(OPEN_ALERTS)),
    );
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({ cards: [] });
  });

  it('refuses a prefetched Patient that is not the context patient, forwarding nothing', async () => {
    const before = forwarded.length;
    const response = await invoke(
      OPEN_ALERTS,
      hookRequest('patient-view', { prefetch: { patient: { ...patient, id: 'someone-else' } } }),
      await ehr.cdsJwt(serviceUrl(OPEN_ALERTS)),
    );
    expect(response.status).toBe(400);
    expect(forwarded.length).toBe(before);
  });

  it('answers 401 with an OperationOutcome to each invalid EHR JWT, audits it and forwards nothing', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stranger = await generateKeyPair('ES384');
    const used = await ehr.cdsJwt(serviceUrl(OPEN_ALERTS));
    expect((await invoke(OPEN_ALERTS, hookRequest('patient-view'), used)).status).toBe(200);
    // Forgeries that name the EHR's real key: an HMAC keyed with its public JWK (algorithm confusion), and a `jku` to the attacker's keys.
    const published = ((await (await fetch(ehr.jwksUri)).json()) as { keys: { kid: string }[] }).keys[0]!;
    const forged = (header: { alg: string; kid: string; jku?: string }, key: CryptoKey | Uint8Array) =>
      new SignJWT({})
        .setProtectedHeader(header)
        .setIssuer(ehr.iss)
        .setSubject('stand-in-ehr')
        .setAudience(serviceUrl(OPEN_ALERTS))
        .setIssuedAt(now)
        .setExpirationTime(now + 120)
        .setJti(crypto.randomUUID())
        .sign(key);
    const invalid: [string, string][] = [
      ['wrong aud', await ehr.cdsJwt(serviceUrl(SELECT))],
      ['expired', await ehr.cdsJwt(serviceUrl(OPEN_ALERTS), { iat: now - 600, exp: now - 120 })],
      ['replayed jti', used],
      ['unknown kid', await ehr.cdsJwt(serviceUrl(OPEN_ALERTS), { kid: 'not-published', key: stranger.privateKey })],
      ['alg none', ehr.unsignedJwt(serviceUrl(OPEN_ALERTS))],
      ['foreign iss', await ehr.cdsJwt(serviceUrl(OPEN_ALERTS), { iss: 'https://foreign-ehr.example' })],
      ['lives too long', await ehr.cdsJwt(serviceUrl(OPEN_ALERTS), { exp: now + 3600 })],
      [
        'HS256 keyed with the public JWK',
        await forged({ alg: 'HS256', kid: published.kid }, new TextEncoder().encode(JSON.stringify(published))),
      ],
      [
        'a jku to foreign keys',
        await forged(
          { alg: 'ES384', kid: published.kid, jku: 'https://attacker.example/jwks.json' },
          stranger.privateKey,
        ),
      ],
    ];
    const before = forwarded.filter((f) => f.method === 'POST').length;
    for (const [why, token] of invalid) {
      const response = await invoke(OPEN_ALERTS, hookRequest('patient-view'), token);
      expect([why, response.status]).toEqual([why, 401]);
      expect(await response.json()).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'login' }],
      });
    }
    expect(forwarded.filter((f) => f.method === 'POST').length).toBe(before);
    // Repeated denials of one agent on one route are aggregated into one audit record.
    const denied = (await auditEvents()).filter((e) => e.outcome === '4' && e.outcomeDesc === 'POST /cds-services/:id');
    expect(denied.map((e) => e.agent[0]!.who.identifier.value)).toContain('anonymous');
  });

  it("accepts an EHR's JWT on no other route", async () => {
    const token = await ehr.cdsJwt(`${base}/fhir/R4/Patient`);
    const response = await fetch(`${base}/fhir/R4/Patient?identifier=urn:stand-in-ehr:mrn|SYN-0007`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
  });

  it('gives a SMART backend client registered by jwks_uri a token, before and after the EHR rotates its keys', async () => {
    const before = await tokenFor('ehr-backend');
    expect(before.status).toBe(200);
    expect(await before.json()).toMatchObject({ token_type: 'bearer', scope: 'system/DetectedIssue.r' });
    const fetches = ehr.jwksFetches;
    await ehr.rotateKeys();
    const after = await tokenFor('ehr-backend');
    expect(after.status).toBe(200);
    // The new kid made the gateway fetch the JWKS again, and CDS Hooks JWTs with the new key pass too.
    expect(ehr.jwksFetches).toBeGreaterThan(fetches);
    expect(
      (await invoke(OPEN_ALERTS, hookRequest('patient-view'), await ehr.cdsJwt(serviceUrl(OPEN_ALERTS)))).status,
    ).toBe(200);
  });
});
