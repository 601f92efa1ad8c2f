import { startGatewayHarness, type GatewayHarness } from '../../apps/gateway/src/testing/gateway-harness';
import { apiOf, ingestPatients } from './demo-cohort.loader';
import { generatedPatients } from './demo-patients';
import { LOCAL_CLIENT_ID, LOCAL_CLIENT_SCOPE } from './local-smart-client';

const UNUSED = 'http://127.0.0.1:9'; // the services: this step only talks to the gateway

/**
 * The demo cohort's first step against the real gateway (in-process, its own database and mock Kafka):
 * the stand-in patients used when ../shared/data is missing go through `POST /fhir/R4`, and each one's
 * member id is learned from the audit trail; posting them again gives the same members.
 */
describe('demo patients through the gateway FHIR ingest', () => {
  let gateway: GatewayHarness | undefined;

  beforeAll(async () => {
    gateway = await startGatewayHarness({
      database: 'demo_patients',
      clients: [{ clientId: LOCAL_CLIENT_ID, scope: LOCAL_CLIENT_SCOPE }],
    });
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
  });

  it('gives each generated patient a member id, the same one when posted again', async () => {
    const api = apiOf({
      urls: {
        gateway: gateway!.base,
        enrollment: UNUSED,
        scheduling: UNUSED,
        clinicianLiaison: UNUSED,
        outcomes: UNUSED,
      },
      token: () => gateway!.accessToken(LOCAL_CLIENT_ID, LOCAL_CLIENT_SCOPE),
      clientId: LOCAL_CLIENT_ID,
    });
    const patients = generatedPatients(4, new Date('2026-11-27T09:00:00Z'));
    const lines: string[] = [];
    const first = await ingestPatients(api, { patients, patientsLabel: 'generated' }, (line) => lines.push(line));
    expect(lines.at(-1)).toBe('4/4 generated patients through FHIR (POST /fhir/R4)');
    expect(first).toHaveLength(4);
    expect(
      first.every(
        (candidate) =>
          /^mbr_[A-Za-z0-9_-]{6,64}$/.test(candidate.memberId) && !candidate.deceased && candidate.birthDate,
      ),
    ).toBe(true);
    expect(new Set(first.map((candidate) => candidate.memberId)).size).toBe(4);

    const again = await ingestPatients(api, { patients, patientsLabel: 'generated' }, () => undefined);
    expect(again.map((candidate) => candidate.memberId)).toEqual(first.map((candidate) => candidate.memberId));
  }, 60_000);
});
