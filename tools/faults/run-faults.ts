/**
 * `npm run test:faults [-- --quick] [--json] [--only a,b] [--include name] [--members N] [--outage-seconds S]`
 *
 * The fault-injection suite (issue 14 item 5): the five built services (dist/, `npm run build` first) as
 * separate processes on real PostgreSQL and librdkafka's mock Kafka cluster, a care-flow load through
 * them (referral, two consents and an enrolment in enrollment, reaching scheduling's and enrollment's
 * rosters and clinician-liaison over Kafka; a distress report that raises an acute-distress alert
 * pushed to a local webhook receiver; a PHQ-9 recorded in outcomes; a PHQ-9 Observation the EHR sends
 * the gateway, relayed to outcomes; every command's events reaching the gateway's care timeline), and
 * one fault per scenario while the load runs. PostgreSQL sits
 * behind a TCP proxy (tcp-proxy.ts) that cuts or slows it; the broker is frozen (SIGSTOP of the mock
 * cluster's process), since Kafka clients reach each broker at the address it advertises, past any proxy.
 *
 * Each scenario runs on its own databases and its own mock cluster (its own topics), one after another,
 * and passes when every accepted command reached every read model (0 lost), no alert was raised twice,
 * each alert was pushed exactly once, no checkpoint moved backwards and the system converged with no
 * restart beyond the one the scenario made. `--json` prints one line per scenario:
 * {"scenario","accepted","lost","duplicateAlerts","webhooksPerAlert","converged"} (+ "seconds", and
 * "problems" when it failed). Exit code 1 when any scenario failed.
 *
 * Sizes: the full run is 10,000 commands (1,429 member flows of 7 commands) and 30 s outages; `--quick`
 * (CI) is 30 flows (210 commands) and 5 s outages, every scenario still.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { applyKafkajsNegativeTimeoutFix } from '@carecircle/platform/messaging';
import { databaseUrl, positiveInteger, positiveNumber, requirePostgresServer } from '@carecircle/platform/testing';
import { checkScenario, watchCheckpoints, type ScenarioOutcome } from './checks';
import { FAULT_SERVICES, killEverythingNow, startFaultSystem } from './fault-system';
import { COMMANDS_PER_MEMBER, prepareGroups, runLoad } from './load';
import { SCENARIOS, type FaultContext, type Scenario } from './scenarios';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    include: { type: 'string', multiple: true, default: [] },
    members: { type: 'string' },
    'outage-seconds': { type: 'string' },
    'slow-ms': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '32' },
    'converge-seconds': { type: 'string', default: '120' },
  },
});
const MEMBERS = positiveInteger(
  flags.members ?? (flags.quick ? '30' : String(Math.ceil(10_000 / COMMANDS_PER_MEMBER))),
  'members',
);
const OUTAGE_MS = positiveNumber(flags['outage-seconds'] ?? (flags.quick ? '5' : '30'), 'outage-seconds') * 1000;
const SLOW_MS = positiveInteger(flags['slow-ms'], 'slow-ms');
const CONCURRENCY = positiveInteger(flags.concurrency, 'concurrency');
const CONVERGE_MS = positiveNumber(flags['converge-seconds'], 'converge-seconds') * 1000;
const ROOT = join(__dirname, '..', '..');

const log = (message: string) => process.stderr.write(`[faults] ${message}\n`);

function selected(): Scenario[] {
  const names = new Set(SCENARIOS.map((s) => s.name));
  const only = flags.only?.split(',').map((s) => s.trim()) ?? [];
  for (const name of [...only, ...flags.include])
    if (!names.has(name)) throw new Error(`no scenario named ${name} (there are: ${[...names].join(', ')})`);
  return SCENARIOS.filter((s) =>
    only.length > 0 ? only.includes(s.name) : !s.optIn || flags.include.includes(s.name),
  );
}

async function runScenario(server: string, scenario: Scenario): Promise<ScenarioOutcome & Record<string, unknown>> {
  const label = scenario.name.replace(/[^a-z0-9]+/g, '_').slice(0, 12);
  const prefix = `cc_faults_${label}_${randomBytes(3).toString('hex')}`;
  const began = performance.now();
  const phase = (what: string) =>
    log(`${scenario.name}: ${what} at ${((performance.now() - began) / 1000).toFixed(1)} s`);
  const system = await startFaultSystem(server, prefix);
  let checkpoints: ReturnType<typeof watchCheckpoints> | undefined;
  try {
    for (let i = 0; i < (scenario.replicas ?? 1); i++)
      await Promise.all(FAULT_SERVICES.map((service) => system.start(service)));
    phase('services up');
    const groupIds = await prepareGroups(system, label, MEMBERS);
    phase('groups known to enrollment');
    checkpoints = watchCheckpoints(system);
    let progress = 0;
    const context: FaultContext = {
      system,
      progress: () => progress,
      members: MEMBERS,
      outageMs: OUTAGE_MS,
      slowMs: SLOW_MS,
      log: (message) => log(`${scenario.name}: ${message}`),
      extra: {},
      problems: [],
    };
    const loading = runLoad(system, label, groupIds, MEMBERS, {
      concurrency: CONCURRENCY,
      retryBudgetMs: OUTAGE_MS + 120_000,
      onProgress: (done) => (progress = done),
    });
    const faulting = scenario.fault(context).catch((error: Error) => {
      context.problems.push(`the fault itself failed: ${error.message}`);
    });
    const load = await loading;
    await faulting;
    phase(`load done (${load.accepted} commands accepted)`);
    const outcome = await checkScenario(system, load, { backwards: [] }, CONVERGE_MS);
    const watched = await checkpoints.stop();
    if (watched.backwards.length > 0) {
      outcome.problems.push(`checkpoints moved backwards: ${watched.backwards.slice(0, 3).join('; ')}`);
      outcome.converged = false;
    }
    phase('checked');
    if (watched.checkpoints === 0) outcome.problems.push('no checkpoint was ever seen: the watch watched nothing');
    const unwatched = FAULT_SERVICES.filter((service) => !watched.services.has(service));
    if (unwatched.length > 0) outcome.problems.push(`no checkpoint of ${unwatched.join(', ')} was ever seen`);
    outcome.problems.push(...context.problems);
    if (outcome.problems.length > 0) {
      const dir = join(ROOT, 'test-output', 'faults', scenario.name);
      system.saveLogs(dir);
      outcome.problems.push(`service logs: ${dir}`);
    }
    return { ...outcome, ...context.extra };
  } finally {
    await checkpoints?.stop().catch(() => undefined);
    await system.stop();
    phase('stopped');
  }
}

async function main(): Promise<void> {
  // The suite's own kafkajs clients (checkpoint watch, poison producer, rebuild) get the services' fix.
  applyKafkajsNegativeTimeoutFix();
  for (const app of FAULT_SERVICES)
    if (!existsSync(join(ROOT, 'dist', 'apps', app, 'src', 'main.js')))
      throw new Error(`dist/apps/${app} is missing: run \`npm run build\` first`);
  const server = databaseUrl(await requirePostgresServer(), 'postgres');
  const scenarios = selected();
  log(
    `${scenarios.length} scenarios, ${MEMBERS} member flows (${MEMBERS * COMMANDS_PER_MEMBER} commands) each, outages ${OUTAGE_MS / 1000} s`,
  );
  let failed = 0;
  for (const scenario of scenarios) {
    const began = performance.now();
    let line: Record<string, unknown>;
    try {
      const outcome = await runScenario(server, scenario);
      const passed =
        outcome.lost === 0 &&
        outcome.duplicateAlerts === 0 &&
        outcome.webhooksPerAlert === 1 &&
        outcome.converged &&
        outcome.problems.length === 0;
      const { problems, ...figures } = outcome;
      line = { scenario: scenario.name, ...figures, passed, ...(passed ? {} : { problems }) };
    } catch (error) {
      line = {
        scenario: scenario.name,
        accepted: 0,
        lost: null,
        duplicateAlerts: null,
        webhooksPerAlert: null,
        converged: false,
        passed: false,
        problems: [error instanceof Error ? error.message : String(error)],
      };
    }
    line['seconds'] = Math.round((performance.now() - began) / 100) / 10;
    if (!line['passed']) failed++;
    if (flags.json) console.log(JSON.stringify(line));
    else {
      const { scenario: name, passed, problems, ...rest } = line;
      console.log(`${passed ? 'PASS' : 'FAIL'} ${String(name)} ${JSON.stringify(rest)}`);
      if (problems) for (const problem of problems as string[]) console.log(`     ${problem}`);
    }
  }
  // Every process and server is stopped by now; a client library's idle timer must not hold the exit.
  process.exit(failed > 0 ? 1 : 0);
}

process.on('exit', killEverythingNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    killEverythingNow();
    process.exit(130);
  });

main().catch((error: unknown) => {
  console.error(`[faults] ${error instanceof Error ? error.message : String(error)}`);
  killEverythingNow();
  process.exit(1);
});
