import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { httpJson, requirePostgresServer, waitFor } from '@carecircle/platform/testing';
import { localTokenSource, type LocalSmartClientFile } from './demo/local-smart-client';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).
const RUN_SYSTEM = resolve(__dirname, '../dist/tools/run-system.js');
const SERVICES = ['GATEWAY', 'ENROLLMENT', 'SCHEDULING', 'CLINICIAN_LIAISON', 'OUTCOMES'] as const;
const URL_LINE = /web UI, FHIR R4 facade and CDS Hooks: (http\S+?)\/?$/m;
/** The last line of the start-up, after the URL, the sign-ins and the token how-to. */
const READY_LINE = /press Ctrl-C to stop/;

interface Run {
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/**
 * `npm start`'s program from dist/ as a child process, on its own ports, databases (a prefix of its
 * own on the test server) and data directory, starting its own mock Kafka cluster: the whole system
 * with the demo cohort, checked over HTTP as a user of the demo would; then started again on the same
 * databases, where it must find the cohort and send nothing.
 */
describe('the run command (npm start) with the demo cohort', () => {
  const prefix = `cc_test_run_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'carecircle-run-'));
  const runs: Run[] = [];
  let server: string;
  let env: NodeJS.ProcessEnv;

  const start = (): Run => {
    // Its own process group, so afterAll can stop the whole tree (services, kcat) even if it hangs.
    const child = spawn(process.execPath, ['--enable-source-maps', RUN_SYSTEM], {
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    for (const stream of [child.stdout!, child.stderr!]) {
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) =>
        output.push(...chunk.split('\n').filter((line) => line.startsWith('[carecircle]'))),
      );
    }
    const run = { child, output, exited: new Promise<void>((done) => child.once('exit', () => done())) };
    runs.push(run);
    return run;
  };
  const printed = (run: Run) => run.output.join('\n');
  const waitForUrl = async (run: Run) => {
    const exited = run.exited.then(() =>
      Promise.reject(new Error('the run command exited before printing the web UI URL')),
    );
    exited.catch(() => undefined); // raced below; no unhandled rejection when the URL comes first
    try {
      const ready = waitFor(() => (READY_LINE.test(printed(run)) ? URL_LINE.exec(printed(run))?.[1] : undefined), {
        timeoutMs: 240_000,
        intervalMs: 250,
        description: 'the run command to print the web UI URL and finish its start-up',
      });
      return await Promise.race([ready, exited]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- printed so far:\n${printed(run)}`);
    }
  };
  const stop = async (run: Run) => {
    if (run.child.exitCode !== null || run.child.signalCode !== null) return;
    process.kill(-run.child.pid!, 'SIGTERM');
    const timer = setTimeout(() => process.kill(-run.child.pid!, 'SIGKILL'), 20_000);
    await run.exited;
    clearTimeout(timer);
  };

  beforeAll(async () => {
    server = await requirePostgresServer();
    const ports = await Promise.all(SERVICES.map(async (name) => [`${name}_PORT`, String(await freePort())] as const));
    env = {
      ...process.env,
      ...Object.fromEntries(ports),
      DATABASE_URL: server,
      CARECIRCLE_DATABASE_PREFIX: prefix,
      CARECIRCLE_DATA_DIR: dataDir,
      KAFKA_SESSION_TIMEOUT_MS: '6000',
    };
    delete env['GATEWAY_PUBLIC_URL'];
    delete env['SMART_CLIENTS'];
    delete env['DEMO_COHORT'];
  });

  afterAll(async () => {
    for (const run of runs) {
      await stop(run).catch(() => undefined);
      try {
        process.kill(-run.child.pid!, 'SIGKILL'); // anything of the tree still alive
      } catch {
        // the group is gone
      }
    }
    const client = new Client({ connectionString: server });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`${prefix}_%`],
      );
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  it('loads the cohort with progress, prints the URL and sign-ins, and each demo user sees a populated timeline; a second start finds it loaded', async () => {
    const first = start();
    const url = await waitForUrl(first);
    const log = printed(first);
    expect(log).toMatch(/demo cohort: 14\/14 Synthea patients through FHIR/);
    expect(log).toMatch(/demo cohort: 3 groups formed in scheduling \(3 new\)/);
    expect(log).toMatch(
      /demo cohort: 11 members referred, screened, consented and enrolled \(left out: 3 deceased in the simulation\)/,
    );
    expect(log).toMatch(/demo cohort: \d+ attendance records over \d+ held sessions/);
    expect(log).toMatch(/demo cohort: \d+ scores/);
    expect(log).toMatch(
      /demo cohort: \d+ alerts for clin_synthetic_psy_01 \(antidepressant started while in a group, worsening PHQ-9\)/,
    );
    expect(log).toMatch(
      /demo cohort: coordination alerts: PHQ-9 item 9, same-day evaluation \(mbr_\S+\); therapeutic overload \(mbr_\S+\); palliative transition \(mbr_\S+\)/,
    );
    expect(log).not.toMatch(/failed/);
    expect(log).toMatch(/facilitator +facilitator/);
    expect(log).toMatch(/clinician +clinician/);
    const alertMember = /a demo member with a medication alert: (mbr_\S+)/.exec(log)?.[1];
    expect(alertMember).toBeDefined();

    // The demo users sign in through the development issuer; a service takes only a token minted for it (token exchange).
    const gateway = httpJson(url);
    const signIn = async (username: string) =>
      (await gateway.post<{ access_token: string }>('/dev-idp/token', { username })).body.access_token;
    const as = (token: string) => ({ authorization: `Bearer ${token}` });
    const [facilitator, clinician] = [await signIn('facilitator'), await signIn('clinician')];
    const exchangeFor = async (subjectToken: string, resource: string) => {
      const exchanged = await fetch(`${url}/auth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
          subject_token: subjectToken,
          subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
          resource,
        }),
      });
      expect(exchanged.status).toBe(200);
      return ((await exchanged.json()) as { access_token: string }).access_token;
    };
    const forScheduling = await exchangeFor(facilitator, 'carecircle-scheduling');
    const schedulingUrl = `http://127.0.0.1:${env['SCHEDULING_PORT']}`;
    expect(
      (await httpJson(schedulingUrl).get('/api/scheduling/groups/grp_demo_tuesday_evening/roster', as(facilitator)))
        .status,
    ).toBe(401);
    const roster = await httpJson(schedulingUrl).get<{ members: { memberId: string }[] }>(
      '/api/scheduling/groups/grp_demo_tuesday_evening/roster',
      as(forScheduling),
    );
    expect(roster.status).toBe(200);
    expect(roster.body.members.length).toBeGreaterThanOrEqual(3);

    // The facilitator reads a member of their group: enrolment, attendance and scores, no drug name.
    type Timeline = { entries: { kind: string; title: string; details: unknown }[] };
    const timelineOf = async (memberId: string, token: string, kinds: readonly string[]) =>
      waitFor(
        async () => {
          const answer = await gateway.get<Timeline>(`/api/members/${memberId}/timeline?limit=200`, as(token));
          return answer.status === 200 &&
            kinds.every((kind) => answer.body.entries.some((entry) => entry.kind === kind))
            ? answer.body
            : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 500, description: `the timeline of ${memberId} to show ${kinds.join(', ')}` },
      );
    const seenByFacilitator = await timelineOf(alertMember!, facilitator, [
      'enrolment',
      'attendance',
      'score',
      'alert',
    ]);
    expect(JSON.stringify(seenByFacilitator)).not.toMatch(/sertraline/i);
    const seenByClinician = await timelineOf(alertMember!, clinician, ['enrolment', 'alert']);
    expect(JSON.stringify(seenByClinician)).toMatch(/sertraline/i);

    // The programme lead's cohort report has figures on both sides of the dose (end-of-course scores of two finished courses).
    type Cell = { n: number; meanChange: number } | { suppressed: true };
    const report = await waitFor(
      async () => {
        const answer = await gateway.get<{ byDose: { dosed: Cell; underDosed: Cell } }>(
          '/api/care-console/cohort-report?instrument=phq-9',
          as(await signIn('lead')),
        );
        return answer.status === 200 && 'n' in answer.body.byDose.dosed && 'n' in answer.body.byDose.underDosed
          ? answer.body
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: 'the cohort report to show both dose cells unsuppressed' },
    );
    const [dosed, underDosed] = [report.byDose.dosed, report.byDose.underDosed] as { n: number; meanChange: number }[];
    expect(dosed!.n).toBeGreaterThanOrEqual(5);
    expect(underDosed!.n).toBeGreaterThanOrEqual(5);
    expect(dosed!.meanChange).toBeLessThan(underDosed!.meanChange); // PHQ-9: lower is better

    // Scripts: the client file has the agreed fields, and its key gets a token the gateway accepts.
    const clientFile = join(dataDir, 'local-smart-client.json');
    expect(existsSync(clientFile)).toBe(true);
    const file = JSON.parse(readFileSync(clientFile, 'utf8')) as LocalSmartClientFile;
    expect(Object.keys(file).sort()).toEqual(['clientId', 'privateJwk', 'scope', 'tokenUrl']);
    const audit = await gateway.get('/admin/audit-events?_count=1', as(await localTokenSource(file)()));
    expect(audit.status).toBe(200);

    // Started again on the same databases: the cohort is found, nothing is sent twice.
    await stop(first);
    const second = start();
    await waitForUrl(second);
    expect(printed(second)).toMatch(
      /demo cohort: already loaded \(3 groups, \d+ alerts for clin_synthetic_psy_01\); nothing sent/,
    );
    expect(printed(second)).toMatch(/SMART backend client for scripts: carecircle-local-scripts \(key pair in /);
    const again = await httpJson(schedulingUrl).get<{ members: unknown[] }>(
      '/api/scheduling/groups/grp_demo_tuesday_evening/roster',
      as(await exchangeFor(await signIn('facilitator'), 'carecircle-scheduling')),
    );
    expect(again.status).toBe(200);
    expect(again.body.members).toHaveLength(roster.body.members.length);
  }, 600_000);
});
