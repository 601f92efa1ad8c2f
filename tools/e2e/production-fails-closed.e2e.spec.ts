import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import { createTestDatabase, startKafka, type KafkaCluster, type TestDatabase } from '@carecircle/platform/testing';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).
// Every unsafe production configuration, each started as production starts it (dist/, OpenTelemetry
// preloaded): the process exits 1 after exactly one JSON line that names the variable, never its value.

const EXIT_BOUND_MS = 20_000;
const IN_PRODUCTION = 'when AUTH_REQUIRED is true or NODE_ENV is production';

/** Nothing listens here: a process that got past its checks would fail differently (and later). */
const UNREACHABLE = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/never', KAFKA_BROKERS: '127.0.0.1:1' };
/** Whatever the test runner's environment holds, each case states its own mode. */
const NO_MODE = { NODE_ENV: undefined, AUTH_REQUIRED: undefined };
const PRODUCTION = { ...NO_MODE, NODE_ENV: 'production' };

const HTTPS_ISSUERS = JSON.stringify([
  { issuer: 'https://carecircle.hospital.example', jwksUri: 'https://carecircle.hospital.example/jwks.json' },
  { issuer: 'https://login.hospital.example/cc', jwksUri: 'https://login.hospital.example/cc/certs' },
]);
const issuersWith = (unsafe: object) => JSON.stringify([...(JSON.parse(HTTPS_ISSUERS) as object[]), unsafe]);

/** A service in production with everything it needs, but the database and brokers are unreachable. */
const SERVICE_SAFE = { ...PRODUCTION, ...UNREACHABLE, AUTH_TRUSTED_ISSUERS: HTTPS_ISSUERS, KAFKA_SSL: 'true' };

const WEBHOOK_SECRET = 'e2e-webhook-secret-of-32-characters';
const NOT_DEV_KEY = 'must not be the public development key';
const HTTPS = 'must be https (plain http only to loopback)';
const DEV_IDENTITY_KEY = Buffer.alloc(32, 'carecircle-dev-only-identity-key').toString('base64');
const SIGNING_KEY = JSON.stringify({
  ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' }),
  kid: 'e2e-production',
});

/** What deploy/k8s gives the gateway. */
const GATEWAY_PRODUCTION = {
  GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 9).toString('base64'),
  GATEWAY_SIGNING_KEY: SIGNING_KEY,
  GATEWAY_OIDC_ISSUER: 'https://login.hospital.example/realms/cc',
  GATEWAY_OIDC_AUDIENCE: 'cc',
  GATEWAY_PUBLIC_URL: 'https://carecircle.hospital.example',
  GATEWAY_DEV_IDP: 'false',
  ENROLLMENT_URL: 'http://enrollment.carecircle.svc',
  SCHEDULING_URL: 'http://scheduling.carecircle.svc',
  CLINICIAN_LIAISON_URL: 'http://clinician-liaison.carecircle.svc',
  OUTCOMES_URL: 'http://outcomes.carecircle.svc',
};
const GATEWAY_SAFE = { ...PRODUCTION, ...UNREACHABLE, ...GATEWAY_PRODUCTION, KAFKA_SSL: 'true' };

interface Exit {
  code: number | null;
  lines: string[];
}

/** Starts `dist/apps/<app>` as the image does and waits (bounded) for it to exit. */
function runToExit(app: string, env: NodeJS.ProcessEnv): Promise<Exit> {
  const root = process.cwd();
  const main = join(root, 'dist', 'apps', app, 'src', 'main.js');
  const register = join(root, 'dist', 'libs', 'platform', 'observability', 'src', 'register.js');
  const child = spawn(process.execPath, ['--require', register, main], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${app} still running after ${EXIT_BOUND_MS} ms: not refused\n${output.slice(-2_000)}`));
    }, EXIT_BOUND_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, lines: output.split('\n').filter((line) => line.trim()) });
    });
  });
}

interface FatalLine {
  level: string;
  service: string;
  msg: string;
  err: { message: string };
}

/** Exit 1 and one fatal JSON line whose message is exactly the expected problem(s), quoting none of `secrets`. */
async function expectRefusal(app: string, env: NodeJS.ProcessEnv, problem: RegExp, secrets: string[] = []) {
  const { code, lines } = await runToExit(app, env);
  expect({ code, lines: lines.length }).toEqual({ code: 1, lines: 1 });
  const line = JSON.parse(lines[0]!) as FatalLine;
  expect(line).toMatchObject({ level: 'fatal', service: app, msg: 'service failed to start' });
  expect(line.err.message).toMatch(problem);
  for (const secret of secrets) expect(lines[0]).not.toContain(secret);
}

/** The message of `ServiceEnvError` with exactly these problems. */
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const onlyProblems = (...problems: string[]) =>
  new RegExp(`^Invalid environment:\\n${problems.map((problem) => `  - ${escape(problem)}`).join('\\n')}$`);
const onlyGatewayProblem = (problem: string) => onlyProblems(`${problem} ${IN_PRODUCTION}`);
const ISSUERS_HTTPS_ONLY = `AUTH_TRUSTED_ISSUERS must use https (plain http only to loopback) ${IN_PRODUCTION}`;

const SERVICES = ['enrollment', 'scheduling', 'clinician-liaison', 'outcomes'];

describe('production fails closed (processes from dist/)', () => {
  describe.each(SERVICES)('%s', (app) => {
    it('refuses to start without AUTH_TRUSTED_ISSUERS under NODE_ENV=production', async () => {
      const env = { ...SERVICE_SAFE, AUTH_TRUSTED_ISSUERS: undefined };
      await expectRefusal(app, env, onlyProblems(`AUTH_TRUSTED_ISSUERS is required ${IN_PRODUCTION}`));
    });

    it('refuses to start when a trusted issuer’s keys come over plain http from another host', async () => {
      const unsafe = { issuer: 'https://carecircle.hospital.example', jwksUri: 'http://gateway.carecircle.svc/jwks' };
      const env = { ...SERVICE_SAFE, AUTH_TRUSTED_ISSUERS: issuersWith(unsafe) };
      await expectRefusal(app, env, onlyProblems(ISSUERS_HTTPS_ONLY), ['gateway.carecircle.svc']);
    });
  });

  describe('the production checks shared by the four services', () => {
    it('treats AUTH_REQUIRED=true as production too (no NODE_ENV)', async () => {
      const env = { ...SERVICE_SAFE, ...NO_MODE, AUTH_REQUIRED: 'true', AUTH_TRUSTED_ISSUERS: undefined };
      await expectRefusal('outcomes', env, onlyProblems(`AUTH_TRUSTED_ISSUERS is required ${IN_PRODUCTION}`));
    });

    it('refuses a plain-http issuer to another host', async () => {
      const unsafe = { issuer: 'http://login.other.example/cc', jwksUri: 'https://login.other.example/cc/certs' };
      const env = { ...SERVICE_SAFE, AUTH_TRUSTED_ISSUERS: issuersWith(unsafe) };
      await expectRefusal('enrollment', env, onlyProblems(ISSUERS_HTTPS_ONLY), ['login.other.example']);
    });

    it('refuses embedded single-session PostgreSQL (npm start’s PGlite mode)', async () => {
      const env = { ...SERVICE_SAFE, DATABASE_SINGLE_SESSION: 'true' };
      await expectRefusal('enrollment', env, onlyProblems(`DATABASE_SINGLE_SESSION must not be true ${IN_PRODUCTION}`));
    });

    it('refuses a Kafka SASL user name without its password, naming the password variable only', async () => {
      const env = { ...SERVICE_SAFE, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'cc-scheduling-user' };
      const problem = onlyProblems('KAFKA_SASL_PASSWORD is required when any KAFKA_SASL_* is set');
      await expectRefusal('scheduling', env, problem, ['cc-scheduling-user']);
    });
  });

  describe('clinician-liaison push delivery', () => {
    const push = { LIAISON_WEBHOOK_SECRET: WEBHOOK_SECRET, LIAISON_FHIR_ENDPOINT: 'https://fhir.hospital.example/r4' };

    it('refuses a plain-http FHIR endpoint in production, loopback included', async () => {
      const env = { ...SERVICE_SAFE, ...push, LIAISON_FHIR_ENDPOINT: 'http://127.0.0.1:8080/fhir' };
      const problem = onlyProblems(`LIAISON_FHIR_ENDPOINT must be https ${IN_PRODUCTION}`);
      await expectRefusal('clinician-liaison', env, problem, ['127.0.0.1:8080']);
    });

    it('refuses a plain-http webhook in production', async () => {
      const hooks = JSON.stringify({ facilitator: 'http://hooks.hospital.example/f' });
      const env = { ...SERVICE_SAFE, ...push, LIAISON_WEBHOOK_ENDPOINTS: hooks };
      const problem = onlyProblems(`LIAISON_WEBHOOK_ENDPOINTS.facilitator must be https ${IN_PRODUCTION}`);
      await expectRefusal('clinician-liaison', env, problem, ['hooks.hospital']);
    });

    it('refuses a push channel without the signing secret', async () => {
      const env = { ...SERVICE_SAFE, ...push, LIAISON_WEBHOOK_SECRET: undefined };
      const problem = 'LIAISON_WEBHOOK_SECRET (16+ characters) is required with any LIAISON_*_ENDPOINT*';
      await expectRefusal('clinician-liaison', env, onlyProblems(problem));
    });
  });

  describe('gateway', () => {
    const secrets = ['hospital.example', DEV_IDENTITY_KEY];
    it.each([
      ['GATEWAY_IDENTITY_KEY is missing', { GATEWAY_IDENTITY_KEY: undefined }, 'GATEWAY_IDENTITY_KEY is required'],
      ['the dev identity key', { GATEWAY_IDENTITY_KEY: DEV_IDENTITY_KEY }, `GATEWAY_IDENTITY_KEY ${NOT_DEV_KEY}`],
      ['GATEWAY_SIGNING_KEY is missing', { GATEWAY_SIGNING_KEY: undefined }, 'GATEWAY_SIGNING_KEY is required'],
      ['the development IdP is on', { GATEWAY_DEV_IDP: 'true' }, 'GATEWAY_DEV_IDP must not be true'],
      ['no OIDC issuer is configured', { GATEWAY_OIDC_ISSUER: undefined }, 'GATEWAY_OIDC_ISSUER is required'],
      ['the OIDC issuer is http', { GATEWAY_OIDC_ISSUER: 'http://hospital.example' }, `GATEWAY_OIDC_ISSUER ${HTTPS}`],
      ['GATEWAY_PUBLIC_URL is unset', { GATEWAY_PUBLIC_URL: undefined }, 'GATEWAY_PUBLIC_URL is required'],
      ['an upstream service is left at its local port', { SCHEDULING_URL: undefined }, 'SCHEDULING_URL is required'],
    ])('refuses to start when %s', async (_, change, problem) => {
      await expectRefusal('gateway', { ...GATEWAY_SAFE, ...change }, onlyGatewayProblem(problem), secrets);
    });

    it('refuses with AUTH_REQUIRED=true alone what the issue saw start: no identity key, dev IdP on', async () => {
      const unsafe = { GATEWAY_IDENTITY_KEY: undefined, GATEWAY_DEV_IDP: 'true' };
      const env = { ...GATEWAY_SAFE, ...NO_MODE, AUTH_REQUIRED: 'true', ...unsafe };
      const both = onlyProblems(
        `GATEWAY_IDENTITY_KEY is required ${IN_PRODUCTION}`,
        `GATEWAY_DEV_IDP must not be true ${IN_PRODUCTION}`,
      );
      await expectRefusal('gateway', env, both, secrets);
    });
  });
});

describe('a complete production configuration starts (processes from dist/, real PostgreSQL and Kafka)', () => {
  let kafka: KafkaCluster | undefined;
  const databases: TestDatabase[] = [];
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    kafka = await startKafka();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(running.map((service) => service.stop()));
    await Promise.all(databases.map((db) => db.drop()));
    await kafka?.stop();
  }, 60_000);

  /** Production settings with a reachable database and the local (plaintext) Kafka cluster. */
  async function reachable(app: string): Promise<NodeJS.ProcessEnv> {
    const db = await createTestDatabase(`${app.replace(/-/g, '_')}_production`);
    databases.push(db);
    const brokers = kafka!.brokers.join(',');
    return { DATABASE_URL: db.url, KAFKA_BROKERS: brokers, KAFKA_TOPICS_AUTO_CREATED: 'true', KAFKA_SSL: undefined };
  }

  /** Said once at start-up (production takes a private network's SASL_PLAINTEXT, with a word). */
  const kafkaWithoutTlsWarnings = (service: ServiceProcess) =>
    service
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":"warn"') && line.includes('KAFKA_SSL is not true')).length;

  it('the gateway: no development issuer, no development fallback, a warning for Kafka without TLS', async () => {
    const env = { ...GATEWAY_SAFE, ...(await reachable('gateway')) };
    const gateway = await startServiceProcess({ app: 'gateway', env });
    running.push(gateway);
    expect((await fetch(`${gateway.url}/health`)).status).toBe(200);
    expect((await fetch(`${gateway.url}/dev-idp/jwks`)).status).toBe(404);
    const json = { 'content-type': 'application/json' };
    const signIn = { method: 'POST', headers: json, body: '{"username":"admin"}' };
    const devSignIn = await fetch(`${gateway.url}/dev-idp/token`, signIn);
    expect(devSignIn.status).toBe(404);
    expect(kafkaWithoutTlsWarnings(gateway)).toBe(1);
  }, 90_000);

  it('clinician-liaison: tokens verified on every route, https pushes accepted', async () => {
    const env = {
      ...SERVICE_SAFE,
      ...(await reachable('clinician-liaison')),
      LIAISON_WEBHOOK_SECRET: WEBHOOK_SECRET,
      LIAISON_FHIR_ENDPOINT: 'https://fhir.hospital.example/r4',
    };
    const liaison = await startServiceProcess({ app: 'clinician-liaison', env });
    running.push(liaison);
    expect((await fetch(`${liaison.url}/health`)).status).toBe(200);
    expect((await fetch(`${liaison.url}/api/liaison/members/mbr_synthetic_0001/alerts`)).status).toBe(401);
    expect(kafkaWithoutTlsWarnings(liaison)).toBe(1);
  }, 90_000);
});
