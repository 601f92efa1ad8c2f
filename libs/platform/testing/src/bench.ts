/**
 * What every benchmark shares: one JSON line per figure with `--json` (`{"bench", "metric", "value",
 * "unit"}`, a `baseline` measured in the same run where one applies, and any context fields), a
 * readable line otherwise; percentiles; an open-loop load at a fixed rate. Figures only: nothing here
 * asserts a timing.
 */
import { performance } from 'node:perf_hooks';

export interface BenchFigure {
  bench: string;
  metric: string;
  /** `null` when the figure could not be measured; then `reason` says why. */
  value: number | null;
  unit: string;
  baseline?: number | null;
  reason?: string;
  [context: string]: unknown;
}

/** Prints figures as JSON lines (`json`) or as `bench/metric = value unit (baseline …)` lines. */
export function figurePrinter(
  json: boolean,
  out: (line: string) => void = (line) => console.log(line),
): (figure: BenchFigure) => void {
  return (figure) => {
    if (json) return out(JSON.stringify(figure));
    const { bench, metric, value, unit, baseline, reason, ...context } = figure;
    const extra = Object.entries(context).map(
      ([key, v]) => `${key}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    );
    const base = baseline === undefined ? '' : ` (baseline ${baseline ?? 'n/a'} ${unit})`;
    out(
      `${bench}/${metric} = ${value ?? 'n/a'} ${unit}${base}${reason ? ` — ${reason}` : ''}${extra.length ? `  [${extra.join(', ')}]` : ''}`,
    );
  };
}

/** The JSON figure lines of a bench's output (other lines are ignored). */
export function parseFigures(output: string): BenchFigure[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"metric"'))
    .map((line) => JSON.parse(line) as BenchFigure);
}

export function positiveInteger(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0)
    throw new Error(`--${name} must be a positive integer (got ${value})`);
  return parsed;
}

export function positiveNumber(value: string | undefined, name: string): number {
  const parsed = Number(value);
  if (!(parsed > 0) || !Number.isFinite(parsed)) throw new Error(`--${name} must be a positive number (got ${value})`);
  return parsed;
}

/** The `p`th percentile (0–100) of ascending `sorted` values, nearest rank; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

export const round2 = (value: number): number => Math.round(value * 100) / 100;

/** p50 and p99 of unsorted values, rounded to hundredths. */
export function latencySummary(values: readonly number[]): { p50: number; p99: number; count: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: round2(percentile(sorted, 50)), p99: round2(percentile(sorted, 99)), count: sorted.length };
}

export interface PacedResult<Outcome> {
  /** Milliseconds from each call's start to its settling. */
  latencies: number[];
  outcomes: Outcome[];
  /** Calls that threw. */
  failures: number;
  /** Calls actually made per second over the run. */
  achievedRate: number;
}

/**
 * An open-loop load: call `i` starts at `i / rate` seconds whatever the earlier calls are doing (a slow
 * answer does not slow the offered load), for `seconds`; then waits for every call to settle.
 */
export async function pacedLoad<Outcome>(
  rate: number,
  seconds: number,
  call: (index: number) => Promise<Outcome>,
): Promise<PacedResult<Outcome>> {
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  const outcomes: Outcome[] = [];
  let failures = 0;
  const inFlight: Promise<void>[] = [];
  const started = performance.now();
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const before = performance.now();
    inFlight.push(
      call(index).then(
        (outcome) => {
          latencies.push(performance.now() - before);
          outcomes.push(outcome);
        },
        () => {
          latencies.push(performance.now() - before);
          failures++;
        },
      ),
    );
  }
  const offeredSeconds = (performance.now() - started) / 1000;
  await Promise.all(inFlight);
  return { latencies, outcomes, failures, achievedRate: round2(total / Math.max(offeredSeconds, 1 / rate)) };
}

export interface HttpLoadFigures {
  p50: number;
  p99: number;
  /** p99 of the 2xx answers alone (throttled answers are quick and pull `p99` down). */
  p99Ok: number;
  /** Answers other than 2xx and 429, and requests that failed outright. */
  errors: number;
  /** 429 answers. */
  throttled: number;
  requests: number;
  achievedRate: number;
}

/** `pacedLoad` of HTTP requests; every answer's body is read, latency is to the end of the body. */
export async function pacedHttp(
  rate: number,
  seconds: number,
  request: (index: number) => Promise<Response>,
): Promise<HttpLoadFigures> {
  const result = await pacedLoad(rate, seconds, async (index) => {
    const started = performance.now();
    const response = await request(index);
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started };
  });
  const { p50, p99 } = latencySummary(result.latencies);
  const ok = (status: number) => status >= 200 && status <= 299;
  const throttled = result.outcomes.filter(({ status }) => status === 429).length;
  const errors = result.failures + result.outcomes.filter(({ status }) => status !== 429 && !ok(status)).length;
  const p99Ok = latencySummary(result.outcomes.filter(({ status }) => ok(status)).map(({ ms }) => ms)).p99;
  return { p50, p99, p99Ok, errors, throttled, requests: result.latencies.length, achievedRate: result.achievedRate };
}

/**
 * Runs a bench's `main`, printing its error and failing the process on one. Exits once `main` has
 * settled (it stops what it started in its own `finally`): a kafkajs consumer that crashed while
 * disconnecting arms a restart timer that would otherwise keep the process alive after its broker left.
 */
export function runBench(main: () => Promise<void>): void {
  main()
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => process.exit());
}
