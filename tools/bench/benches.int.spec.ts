import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFigures, type BenchFigure } from '@carecircle/platform/testing';

/** Each bench's figures that the docs table and the goals rely on. */
const REQUIRED: Record<string, string[]> = {
  pipeline: ['eventsPerSec', 'hopP99Ms', 'hopP50Ms'],
  cds: ['p99Ms', 'p50Ms', 'orderToCardP50Ms', 'orderToCardMaxMs'],
  timeline: ['p99Ms', 'p50Ms', 'queryP99Ms'],
  rebuild: ['seconds'],
  'event-store': ['appendPerSec', 'minRatioToEmmett'],
  memory: ['idleMbMax', 'loadedMbMax', 'idleMb', 'loadedMb'],
};

/**
 * The smoke test of `npm run bench`: every bench once at a tiny size (`--quick`), through the runner
 * that writes the docs page. It checks the shape of what they print, never a timing.
 */
describe('npm run bench -- --json --quick (every benchmark at a tiny size)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'carecircle-bench-smoke-'));
  const docs = join(dir, 'benchmarks.md');
  let child: ChildProcess | undefined;
  let figures: BenchFigure[] = [];
  let exitCode: number | null = null;
  let stderr = '';

  beforeAll(async () => {
    child = spawn(
      process.execPath,
      ['tools/run-ts.mjs', 'tools/bench/run-benches.ts', '--json', '--quick', '--out', docs],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-5000)));
    exitCode = await new Promise<number | null>((resolve) => child!.once('exit', resolve));
    figures = parseFigures(stdout);
  });

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every bench to the end', () => {
    expect({
      exitCode,
      failed: figures.filter((f) => f.metric === 'failed'),
      stderr: exitCode === 0 ? '' : stderr,
    }).toEqual({ exitCode: 0, failed: [], stderr: '' });
  });

  it('prints well-formed figure lines: bench, metric, a number (or null with a reason), a unit, a baseline only as a number or null', () => {
    expect(figures.length).toBeGreaterThan(0);
    for (const figure of figures) {
      expect(figure).toEqual(
        expect.objectContaining({ bench: expect.any(String), metric: expect.any(String), unit: expect.any(String) }),
      );
      if (figure.value === null) expect(figure.reason).toEqual(expect.any(String));
      else expect(Number.isFinite(figure.value)).toBe(true);
      if ('baseline' in figure && figure.baseline !== null) expect(Number.isFinite(figure.baseline)).toBe(true);
    }
  });

  it('carries every required metric', () => {
    const present = (bench: string) => [...new Set(figures.filter((f) => f.bench === bench).map((f) => f.metric))];
    for (const [bench, metrics] of Object.entries(REQUIRED))
      expect([bench, present(bench)]).toEqual([bench, expect.arrayContaining(metrics)]);
  });

  it('gives the pipeline and CDS figures their baselines, the CDS p99 at 100 req/s its error and throttle counts, and the order-to-card p50 its max', () => {
    const figure = (bench: string, metric: string) => figures.find((f) => f.bench === bench && f.metric === metric);
    for (const metric of ['eventsPerSec', 'hopP99Ms', 'hopP50Ms'])
      expect(figure('pipeline', metric)?.baseline).toEqual(expect.any(Number));
    expect(figure('cds', 'p99Ms')).toMatchObject({
      rate: 100,
      errors: expect.any(Number),
      throttled: expect.any(Number),
      baseline: expect.any(Number),
    });
    expect(figure('cds', 'orderToCardP50Ms')).toMatchObject({
      orders: 2,
      maxMs: expect.any(Number),
      baseline: expect.any(Number),
    });
    expect(figure('cds', 'orderToCardMaxMs')).toMatchObject({ orders: 2, baseline: expect.any(Number) });
    expect(figure('event-store', 'minRatioToEmmett')).toMatchObject({
      value: null,
      reason: expect.stringContaining('--peer off'),
    });
    const services = figures.filter((f) => f.bench === 'memory' && f.metric === 'idleMb').map((f) => f['service']);
    expect(services.sort()).toEqual(['clinician-liaison', 'enrollment', 'gateway', 'outcomes', 'scheduling']);
  });

  it('writes the docs page: the goals table and the machine', () => {
    const page = readFileSync(docs, 'utf8');
    expect(page).toMatch(/^# Benchmarks/);
    expect(page).toContain('| cds/p99Ms |');
    expect(page).toContain('| cds/orderToCardP50Ms |');
    expect(page).toMatch(/Machine: \d+ CPUs/);
  });
});
