import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';
import { clientKeyPair, FHIR_JSON_TYPE, requestToken } from '../testing/gateway-harness';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).

/** A port free right now, for the gateway: the service must know the gateway's issuer URL before the gateway starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('services verify tokens themselves: clinician-liaison trusts the gateway’s SMART tokens and its development issuer (processes from dist/)', () => {
  let kafka: KafkaCluster | undefined;
  const databases: TestDatabase[] = [];
  let liaison: ServiceProcess | undefined;
  let gateway: ServiceProcess | undefined;
  let client: Awaited<ReturnType<typeof clientKeyPair>>;
  let patientView = '';
  let gatewayUrl = '';
  let liaisonUrl = '';

  beforeAll(async () => {
    let liaisonDb: TestDatabase;
    let gatewayDb: TestDatabase;
    [kafka, liaisonDb, gatewayDb, client] = await Promise.all([startKafka(), createTestDatabase('liaison_tokens'), createTestDatabase('gateway_tokens'), clientKeyPair()]);
    databases.push(liaisonDb, gatewayDb);
    const common = { KAFKA_BROKERS: kafka.brokers.join(','), KAFKA_TOPICS_AUTO_CREATED: 'true', KAFKA_SESSION_TIMEOUT_MS: '6000', LOG_LEVEL: 'info' };
    const issuerUrl = `http://127.0.0.1:${await freePort()}`;
    liaison = await startServiceProcess({
      app: 'clinician-liaison',
      withTracing: false,
      env: {
        ...common,
        DATABASE_URL: liaisonDb.url,
        AUTH_REQUIRED: 'true',
        // As the local run and deploy/k8s configure it: the gateway's SMART issuer, and the issuer for people.
        AUTH_TRUSTED_ISSUERS: JSON.stringify([
          { issuer: issuerUrl, jwksUri: `${issuerUrl}/.well-known/jwks.json`, audience: issuerUrl },
          { issuer: `${issuerUrl}/dev-idp`, jwksUri: `${issuerUrl}/dev-idp/jwks`, audience: 'carecircle-gateway' },
        ]),
      },
    });
    gateway = await startServiceProcess({
      app: 'gateway',
      withTracing: false,
      port: Number(new URL(issuerUrl).port),
      env: {
        ...common,
        DATABASE_URL: gatewayDb.url,
        GATEWAY_PUBLIC_URL: issuerUrl,
        GATEWAY_DEV_IDP: 'true',
        GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 5).toString('base64'),
        CLINICIAN_LIAISON_URL: liaison.url,
        SMART_CLIENTS: JSON.stringify([{ clientId: 'ehr', scope: 'system/*.cruds', jwks: client.jwks }]),
      },
    });
    [gatewayUrl, liaisonUrl] = [gateway.url, liaison.url];
    const discovery = (await (await fetch(`${liaison.url}/cds-services`)).json()) as { services: { id: string; hook: string }[] };
    patientView = discovery.services.find((service) => service.hook === 'patient-view')?.id ?? 'no patient-view service';
  });

  afterAll(async () => {
    await gateway?.stop();
    await liaison?.stop();
    await Promise.all(databases.map((db) => db.drop()));
    await kafka?.stop();
  });

  const ehrToken = async () => ((await (await requestToken(`${gatewayUrl}/auth/token`, 'ehr', 'system/*.cruds', client.privateKey)).json()) as { access_token: string }).access_token;

  // 200 here and 401 below without a token: the gateway passed the caller's token on, and liaison checked it.
  it('answers a CDS Hooks call the gateway forwarded with the caller’s token', async () => {
    const token = await ehrToken();
    const patient = { resourceType: 'Patient', id: 'ehr-tokens-1', identifier: [{ system: 'urn:mrn', value: 'MRN-TOKENS-1' }], name: [{ family: 'Synthetic', given: ['Tokens'] }] };
    const put = await fetch(`${gatewayUrl}/fhir/R4/Patient/ehr-tokens-1`, { method: 'PUT', headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${token}` }, body: JSON.stringify(patient) });
    expect(put.status).toBe(200);
    const call = await fetch(`${gatewayUrl}/cds-services/${patientView}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ hook: 'patient-view', hookInstance: 'tokens-1', context: { userId: 'Practitioner/p1', patientId: 'ehr-tokens-1' } }),
    });
    expect({ status: call.status, body: await call.json() }).toEqual({ status: 200, body: { cards: [] } });
  });

  it('takes a person’s token from the development issuer on its own REST routes', async () => {
    const signIn = (await (await fetch(`${gatewayUrl}/dev-idp/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'clinician' }) })).json()) as { access_token: string };
    const alerts = await fetch(`${liaisonUrl}/api/liaison/members/mbr_synthetic_0001/alerts`, { headers: { authorization: `Bearer ${signIn.access_token}` } });
    expect(alerts.status).toBe(200);
  });

  it('takes the acting clinician from a person’s token: naming someone else in X-Clinician-Id is refused (403)', async () => {
    const signIn = (await (await fetch(`${gatewayUrl}/dev-idp/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'clinician' }) })).json()) as { access_token: string };
    const acknowledge = (clinicianId?: string) =>
      fetch(`${liaisonUrl}/api/liaison/alerts/${randomUUID()}/acknowledgement`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${signIn.access_token}`, ...(clinicianId ? { 'x-clinician-id': clinicianId } : {}) },
        body: JSON.stringify({ outcome: 'accepted' }),
      });
    const impersonating = await acknowledge('clin_someone_else_01');
    expect({ status: impersonating.status, body: await impersonating.text() }).toEqual({ status: 403, body: expect.stringContaining('signed-in person') });
    // As themselves (header or none), the request reaches the alert: this one does not exist.
    for (const header of ['clin_synthetic_psy_01', undefined]) expect((await acknowledge(header)).status).toBe(404);
  });

  it('refuses calls straight to it without a token, or with one the gateway did not sign (401), and keeps health and discovery open', async () => {
    const forger = await generateKeyPair('ES384');
    const forged = await new SignJWT({ scope: 'system/*.cruds' })
      .setProtectedHeader({ alg: 'ES384', kid: 'forged' })
      .setIssuer(gatewayUrl)
      .setSubject('ehr')
      .setAudience(gatewayUrl)
      .setExpirationTime('5m')
      .sign(forger.privateKey);
    const cds = { hook: 'patient-view', hookInstance: 'tokens-2', context: { userId: 'Practitioner/p1', patientId: 'mbr_synthetic_0001' } };
    for (const headers of [{}, { authorization: `Bearer ${forged}` }]) {
      const direct = await fetch(`${liaisonUrl}/cds-services/${patientView}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(cds) });
      expect(direct.status).toBe(401);
      expect((await fetch(`${liaisonUrl}/api/liaison/members/mbr_synthetic_0001/alerts`, { headers })).status).toBe(401);
    }
    expect((await fetch(`${liaisonUrl}/health`)).status).toBe(200);
    expect((await fetch(`${liaisonUrl}/cds-services`)).status).toBe(200);
  });
});
