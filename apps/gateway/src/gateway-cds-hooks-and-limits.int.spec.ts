import { decodeJwt } from 'jose';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FHIR_JSON_TYPE, startGatewayHarness, type GatewayHarness } from './testing/gateway-harness';

/**
 * CDS Hooks through the gateway against a real local HTTP server standing in for clinician-liaison
 * (it records what it was sent), plus the per-client rate limit and the body limit on both JSON types.
 */
interface Received {
  method: string;
  url: string;
  body: string;
  authorization?: string | undefined;
}

const SERVICES = ['carecircle-open-alerts', 'carecircle-medication-select'];
const BODY_LIMIT = '200kb';

describe('gateway CDS Hooks proxy, rate limit and body limit (real PostgreSQL, Kafka, HTTP; stand-in clinician-liaison)', () => {
  let liaison: Server;
  const received: Received[] = [];
  let gateway: GatewayHarness;
  let base: string;

  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => resolve(body));
    });
  const send = (path: string, body: unknown, token?: string, contentType = 'application/json') =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const auditEvents = async () => {
    const admin = await gateway.accessToken('ehr', 'system/AuditEvent.rs');
    const bundle = (await (
      await fetch(`${base}/admin/audit-events?_count=1000`, { headers: { authorization: `Bearer ${admin}` } })
    ).json()) as {
      entry: {
        resource: {
          outcome: string;
          outcomeDesc: string;
          agent: { who: { identifier: { value: string } } }[];
          entity: { what: { identifier?: { value: string } } }[];
        };
      }[];
    };
    return bundle.entry.map((e) => e.resource);
  };

  beforeAll(async () => {
    liaison = createServer((req, res) => {
      void readBody(req).then((body) => {
        received.push({ method: req.method ?? '', url: req.url ?? '', body, authorization: req.headers.authorization });
        res.setHeader('content-type', 'application/json');
        if (req.method === 'GET' && req.url === '/cds-services') {
          return res.end(
            JSON.stringify({ services: SERVICES.map((id) => ({ id, hook: 'patient-view', description: 'stand-in' })) }),
          );
        }
        const feedback = /^\/cds-services\/([^/]+)\/feedback$/.exec(req.url ?? '');
        if (req.method === 'POST' && feedback) return res.end('{}');
        const call = /^\/cds-services\/([^/]+)$/.exec(req.url ?? '');
        if (req.method === 'POST' && call && SERVICES.includes(call[1]!)) {
          const { context } = JSON.parse(body) as { context: { patientId: string } };
          return res.end(
            JSON.stringify({
              cards: [
                {
                  summary: `open alert for ${context.patientId}`,
                  indicator: 'warning',
                  source: { label: 'CareCircle clinician liaison' },
                },
              ],
            }),
          );
        }
        res.statusCode = 404;
        res.end(JSON.stringify({ message: 'No CDS service with this id.' }));
      });
    });
    await new Promise<void>((resolve) => liaison.listen(0, '127.0.0.1', resolve));
    gateway = await startGatewayHarness({
      database: 'gateway_cds',
      fhirBodyLimit: BODY_LIMIT,
      clients: [
        { clientId: 'ehr', scope: 'system/*.cruds' },
        { clientId: 'ingest-only', scope: 'system/Patient.cu' },
        { clientId: 'noisy', scope: 'system/*.cruds' },
      ],
      env: {
        CLINICIAN_LIAISON_URL: `http://127.0.0.1:${(liaison.address() as AddressInfo).port}`,
        GATEWAY_RATE_LIMIT_BURST: '20',
        GATEWAY_RATE_LIMIT_PER_SECOND: '1',
      },
    });
    base = gateway.base;
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    await new Promise<void>((resolve) => (liaison ? liaison.close(() => resolve()) : resolve()));
  }, 30_000);

  it('serves CDS Hooks discovery without a token, from clinician-liaison', async () => {
    const response = await fetch(`${base}/cds-services`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { services: { id: string }[] }).services.map((s) => s.id)).toEqual(SERVICES);
  });

  it('requires a token with DetectedIssue read for an invocation, and audits the denials', async () => {
    const request = {
      hook: 'patient-view',
      hookInstance: 'h-1',
      context: { userId: 'Practitioner/p1', patientId: 'ehr-pat-1' },
    };
    const anonymous = await send('/cds-services/carecircle-open-alerts', request);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'login' }] });
    const ingestOnly = await send(
      '/cds-services/carecircle-open-alerts',
      request,
      await gateway.accessToken('ingest-only', 'system/Patient.cu'),
    );
    expect(ingestOnly.status).toBe(403);
    const feedbackDenied = await send(
      '/cds-services/carecircle-open-alerts/feedback',
      { feedback: [] },
      await gateway.accessToken('ehr', 'system/DetectedIssue.r'),
    );
    expect(feedbackDenied.status).toBe(403);
    expect(received.filter((r) => r.method === 'POST')).toEqual([]);
    const denials = (await auditEvents()).filter(
      (e) => e.outcome === '4' && e.outcomeDesc === 'POST /cds-services/:id',
    );
    expect(denials.map((e) => e.agent[0]!.who.identifier.value).sort()).toEqual(['anonymous', 'ingest-only']);
  });

  it("maps the EHR's patient id to the member id before forwarding, withholds prefetch and EHR credentials, and audits the member", async () => {
    const ehr = await gateway.accessToken('ehr', 'system/*.cruds');
    const patient = {
      resourceType: 'Patient',
      id: 'ehr-pat-1',
      identifier: [{ system: 'urn:mrn', value: 'MRN-CDS-1' }],
      name: [{ family: 'Synthetic', given: ['Cds'] }],
    };
    expect(
      (
        await fetch(`${base}/fhir/R4/Patient/ehr-pat-1`, {
          method: 'PUT',
          headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${ehr}` },
          body: JSON.stringify(patient),
        })
      ).status,
    ).toBe(200);

    const request = {
      hook: 'order-select',
      hookInstance: 'h-2',
      fhirServer: 'https://ehr.example/fhir',
      fhirAuthorization: {
        access_token: 'ehr-secret-token',
        token_type: 'Bearer',
        scope: 'patient/*.read',
        subject: 'cds',
      },
      context: {
        userId: 'Practitioner/p1',
        patientId: 'ehr-pat-1',
        draftOrders: {
          resourceType: 'Bundle',
          entry: [
            {
              resource: {
                resourceType: 'MedicationRequest',
                id: 'draft-1',
                subject: { reference: 'Patient/ehr-pat-1' },
              },
            },
          ],
        },
      },
      prefetch: { patient },
    };
    const cardsToken = await gateway.accessToken('ehr', 'system/DetectedIssue.r');
    const response = await send('/cds-services/carecircle-medication-select', request, cardsToken);
    expect(response.status).toBe(200);
    const { cards } = (await response.json()) as { cards: { summary: string }[] };
    expect(cards).toEqual([expect.objectContaining({ summary: expect.stringMatching(/^open alert for mbr_/) })]);

    const forwarded = received.filter((r) => r.url === '/cds-services/carecircle-medication-select');
    expect(forwarded).toHaveLength(1);
    const body = JSON.parse(forwarded[0]!.body) as Record<string, any>;
    const memberId = body['context'].patientId as string;
    expect(memberId).toMatch(/^mbr_/);
    expect(body['context'].draftOrders.entry[0].resource.subject).toEqual({ reference: `Patient/${memberId}` });
    expect(Object.keys(body).sort()).toEqual(['context', 'hook', 'hookInstance']);
    expect(forwarded[0]!.body).not.toMatch(/ehr-pat-1|MRN-CDS-1|Synthetic|ehr-secret-token/);
    // Liaison gets a one-minute token of its own for the same client and scopes, never the caller's; discovery needs none.
    const [, forwardedToken = ''] = /^Bearer (.+)$/.exec(forwarded[0]?.authorization ?? '') ?? [];
    expect(forwardedToken).not.toBe(cardsToken);
    const minted = decodeJwt(forwardedToken);
    expect(minted).toMatchObject({
      sub: 'ehr',
      scope: 'system/DetectedIssue.r',
      aud: 'carecircle-clinician-liaison',
      act: { sub: 'carecircle-gateway' },
    });
    expect((minted.exp ?? 0) - (minted.iat ?? 0)).toBeLessThanOrEqual(60);
    expect(received.filter((r) => r.method === 'GET').every((r) => r.authorization === undefined)).toBe(true);

    const audited = (await auditEvents()).find((e) => e.outcomeDesc === 'POST /cds-services/:id' && e.outcome === '0');
    expect(audited?.entity.some((entity) => entity.what.identifier?.value === memberId)).toBe(true);
  });

  it('answers empty cards for an unknown patient without asking clinician-liaison, 404 for an unknown service', async () => {
    const token = await gateway.accessToken('ehr', 'system/DetectedIssue.r');
    const calls = received.filter((r) => r.method === 'POST').length;
    const unknown = await send(
      '/cds-services/carecircle-open-alerts',
      { hook: 'patient-view', hookInstance: 'h-3', context: { userId: 'Practitioner/p1', patientId: 'nobody-here' } },
      token,
    );
    expect(unknown.status).toBe(200);
    expect(await unknown.json()).toEqual({ cards: [] });
    expect(received.filter((r) => r.method === 'POST')).toHaveLength(calls);
    const bogus = await send(
      '/cds-services/no-such-service',
      { hook: 'patient-view', hookInstance: 'h-4', context: { userId: 'Practitioner/p1', patientId: 'nobody-here' } },
      token,
    );
    expect(bogus.status).toBe(404);
    const invalid = await send(
      '/cds-services/carecircle-open-alerts',
      { hook: 'patient-view', hookInstance: 'h-5', context: { userId: 'Practitioner/p1' } },
      token,
    );
    expect(invalid.status).toBe(400);
  });

  it('forwards feedback with DetectedIssue update', async () => {
    const token = await gateway.accessToken('ehr', 'system/DetectedIssue.u');
    const feedback = {
      feedback: [
        { card: '00000000-0000-4000-8000-000000000001', outcome: 'accepted', outcomeTimestamp: '2026-01-01T00:00:00Z' },
      ],
    };
    const response = await send('/cds-services/carecircle-open-alerts/feedback', feedback, token);
    expect(response.status).toBe(200);
    expect(JSON.parse(received.find((r) => r.url === '/cds-services/carecircle-open-alerts/feedback')!.body)).toEqual(
      feedback,
    );
  });

  it('throttles one client with 429, an OperationOutcome and Retry-After, while other clients go on', async () => {
    const noisy = await gateway.accessToken('noisy', 'system/*.cruds');
    const organization = { resourceType: 'Organization', name: 'Synthetic clinic' };
    let throttled: Response | undefined;
    // Burst 20, one token back per second: 100 back-to-back requests cannot all pass in under 80 s.
    for (let i = 0; i < 100 && !throttled; i++) {
      const response = await send('/fhir/R4/Organization', organization, noisy, FHIR_JSON_TYPE);
      if (response.status === 429) throttled = response;
      else expect(response.status).toBe(200);
    }
    expect(throttled).toBeDefined();
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await throttled!.json()).toMatchObject({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: 'throttled' }],
    });
    const other = await send(
      '/fhir/R4/Organization',
      organization,
      await gateway.accessToken('ehr', 'system/*.cruds'),
      FHIR_JSON_TYPE,
    );
    expect(other.status).toBe(200);
    expect((await auditEvents()).some((e) => e.outcome === '4' && e.agent[0]!.who.identifier.value === 'noisy')).toBe(
      true,
    );
  }, 30_000);

  it.each([FHIR_JSON_TYPE, 'application/json'])(
    'answers a %s body over the FHIR limit with 413 and an OperationOutcome, and takes one under it',
    async (contentType) => {
      const token = await gateway.accessToken('ehr', 'system/*.cruds');
      const over = await send(
        '/fhir/R4',
        { resourceType: 'Bundle', type: 'batch', padding: 'x'.repeat(210 * 1024) },
        token,
        contentType,
      );
      expect(over.status).toBe(413);
      expect(over.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
      expect(await over.json()).toMatchObject({
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'too-costly' }],
      });
      // Above the service kit's 100 kB default, below the FHIR limit: taken (and ignored, out of scope).
      const under = await send(
        '/fhir/R4/Organization',
        { resourceType: 'Organization', name: 'y'.repeat(150 * 1024) },
        token,
        contentType,
      );
      expect(under.status).toBe(200);
    },
  );
});
