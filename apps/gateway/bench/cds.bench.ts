/**
 * CDS Hooks `patient-view` (`carecircle-open-alerts`) as a registered EHR calls it: a stand-in EHR
 * signs a fresh CDS Hooks JWT (ES384, its own JWKS) per request, for a patient CareCircle knows from
 * an earlier FHIR ingest, so the gateway verifies the JWT, resolves the pseudonymous member and asks
 * the real clinician-liaison (in-process, behind it) for the cards. Open-loop load at each `--rates`
 * for `--seconds`; baseline: the gateway's `/health/live` at the same rate, in the same run. The EHR's
 * client gets the limit an operator gives an EHR of this size (`GATEWAY_RATE_LIMITS`, 150/s, burst 400);
 * callers without a token keep the default, so `throttled` (429) counts only what that limit refuses.
 *
 *   npm run bench:cds [-- --rates 50,100 --seconds 60 --json]
 *
 * Prints figures only; nothing here asserts a timing.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import {
  figurePrinter,
  pacedHttp,
  positiveNumber,
  runBench,
  type BenchFigure,
  type HttpLoadFigures,
} from '@carecircle/platform/testing';
import { FHIR_JSON_TYPE, startGatewayHarness, type GatewayHarness } from '../src/testing/gateway-harness';
import { freePort, startLiaisonBehindGateway, type LiaisonBehindGateway } from '../src/testing/liaison-behind-gateway';
import { startStandInEhr, type StandInEhr } from '../src/testing/stand-in-ehr';

const { values: flags } = parseArgs({
  options: {
    rates: { type: 'string', default: '50,100' },
    seconds: { type: 'string', default: '60' },
    json: { type: 'boolean', default: false },
  },
});
const RATES = (flags.rates ?? '').split(',').map((rate) => positiveNumber(rate, 'rates'));
const SECONDS = positiveNumber(flags.seconds, 'seconds');
const SERVICE = 'carecircle-open-alerts';
const EHR_CLIENT = 'bench-ehr';
const BENCH = 'cds';
/** The rate whose figures carry the goal's plain names (`p99Ms`); other rates are suffixed `At<rate>`. */
const HEADLINE_RATE = 100;

/** Synthetic, nameless: the EHR's patient. */
const patient = {
  resourceType: 'Patient' as const,
  id: 'bench-pat-1',
  identifier: [{ system: 'urn:stand-in-ehr:mrn', value: 'BENCH-0001' }],
  birthDate: '1970-01-01',
};

/** CDS Hooks JWTs signed before the timed calls (each valid five minutes, used once: fresh jti). */
async function signedJwts(ehr: StandInEhr, audience: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await ehr.cdsJwt(audience));
  return tokens;
}

function figuresAt(rate: number, cds: HttpLoadFigures, health: HttpLoadFigures): BenchFigure[] {
  const suffix = rate === HEADLINE_RATE ? '' : `At${rate}`;
  const context = {
    rate,
    seconds: SECONDS,
    achievedRate: cds.achievedRate,
    requests: cds.requests,
    errors: cds.errors,
    throttled: cds.throttled,
    p99OkMs: cds.p99Ok,
    baselineErrors: health.errors,
    over: `POST /cds-services/${SERVICE} (patient-view); baseline GET /health/live`,
  };
  return [
    { bench: BENCH, metric: `p99Ms${suffix}`, value: cds.p99, unit: 'ms', baseline: health.p99, ...context },
    { bench: BENCH, metric: `p50Ms${suffix}`, value: cds.p50, unit: 'ms', baseline: health.p50, rate },
  ];
}

async function main(): Promise<void> {
  let ehr: StandInEhr | undefined;
  let gateway: GatewayHarness | undefined;
  let liaison: LiaisonBehindGateway | undefined;
  try {
    ehr = await startStandInEhr();
    ehr.serve(patient, []);
    const liaisonPort = await freePort();
    gateway = await startGatewayHarness({
      database: 'gateway_cds_bench',
      clients: [{ clientId: 'records', scope: 'system/Patient.cu' }],
      env: {
        CLINICIAN_LIAISON_URL: `http://127.0.0.1:${liaisonPort}`,
        CDS_CLIENTS: JSON.stringify([
          {
            iss: ehr.iss,
            jwksUri: ehr.jwksUri,
            fhirServers: [ehr.fhirServer],
            clientId: EHR_CLIENT,
            scope: 'system/DetectedIssue.r system/MedicationRequest.cu',
          },
        ]),
        GATEWAY_RATE_LIMITS: JSON.stringify({ principals: { [EHR_CLIENT]: { burst: 400, perSecond: 150 } } }),
      },
    });
    liaison = await startLiaisonBehindGateway(gateway.base, 'liaison_cds_bench', liaisonPort);
    const records = await gateway.accessToken('records', 'system/Patient.cu');
    const put = await fetch(`${gateway.base}/fhir/R4/Patient/${patient.id}`, {
      method: 'PUT',
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${records}` },
      body: JSON.stringify(patient),
    });
    if (put.status !== 200) throw new Error(`the patient's ingest answered ${put.status}`);

    const serviceUrl = `${gateway.base}/cds-services/${SERVICE}`;
    const healthUrl = `${gateway.base}/health/live`;
    const call = (jwt: string) =>
      fetch(serviceUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${jwt}` },
        body: JSON.stringify({
          hook: 'patient-view',
          hookInstance: randomUUID(),
          context: { userId: 'Practitioner/bench-prac-1', patientId: patient.id },
        }),
      });
    const warm = await call((await signedJwts(ehr, serviceUrl, 1))[0]!);
    if (warm.status !== 200) throw new Error(`patient-view answered ${warm.status}: ${await warm.text()}`);

    const figures: BenchFigure[] = [];
    for (const rate of RATES) {
      const jwts = await signedJwts(ehr, serviceUrl, Math.max(1, Math.round(rate * SECONDS)));
      const cds = await pacedHttp(rate, SECONDS, (index) => call(jwts[index]!));
      const health = await pacedHttp(rate, SECONDS, () => fetch(healthUrl));
      figures.push(...figuresAt(rate, cds, health));
    }
    figures.forEach(figurePrinter(flags.json));
  } finally {
    await liaison?.stop();
    await gateway?.stop();
    await ehr?.stop();
  }
}

runBench(main);
