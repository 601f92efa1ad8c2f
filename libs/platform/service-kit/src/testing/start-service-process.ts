import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LISTENING_LOG_MESSAGE } from '../bootstrap/bootstrap-service';

export interface StartServiceProcessOptions {
  /** Folder under `dist/apps`, e.g. `gateway`. */
  app: string;
  /** Added to the current environment. */
  env?: NodeJS.ProcessEnv;
  /** 0 (default): the service binds a free port, read back from its listening log line. */
  port?: number;
  /** Directory that holds `dist/` (default: the current directory, the workspace root under Jest). */
  rootDir?: string;
  /** Preload OpenTelemetry as in production (default true). */
  withTracing?: boolean;
  /** How long to wait for the listening line (default 20 s). */
  startTimeoutMs?: number;
}

export interface ServiceProcess {
  /** `http://127.0.0.1:<port>` */
  url: string;
  port: number;
  pid: number;
  /** Resolves with the exit code, `null` when a signal ended the process (see `output()`). */
  exited: Promise<number | null>;
  /** Everything the process wrote so far, stdout and stderr, for failure messages. */
  output(): string;
  /** Sends `signal` (default SIGTERM) and resolves with the exit code; SIGKILL after `timeoutMs`. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
  /** SIGKILL, for cleanup in `finally`; a no-op when the process has exited. */
  kill9(): Promise<void>;
}

/**
 * Starts a built service as production does
 * (`node --require dist/libs/platform/observability/src/register.js dist/apps/<app>/src/main.js`)
 * and resolves once it logged its port. Run `npm run build` first.
 */
export async function startServiceProcess(options: StartServiceProcessOptions): Promise<ServiceProcess> {
  const rootDir = options.rootDir ?? process.cwd();
  const main = join(rootDir, 'dist', 'apps', options.app, 'src', 'main.js');
  const register = join(rootDir, 'dist', 'libs', 'platform', 'observability', 'src', 'register.js');
  if (!existsSync(main)) throw new Error(`${main} does not exist: run \`npm run build\` first`);
  const args = options.withTracing === false ? [main] : ['--require', register, main];
  const child = spawn(process.execPath, args, {
    cwd: rootDir,
    env: { ...process.env, ...options.env, PORT: String(options.port ?? 0) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not spawn ${process.execPath}`);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const describeProcess = () => `${options.app} (pid ${pid}) output:\n${output.slice(-4_000)}`;

  const port = await waitForListeningPort(() => output, exited, options.startTimeoutMs ?? 20_000).catch(
    (error: Error) => {
      child.kill('SIGKILL');
      throw new Error(`${options.app} did not start: ${error.message}\n${describeProcess()}`);
    },
  );

  const stop = async (signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    pid,
    exited,
    output: () => output,
    stop,
    kill9: async () => {
      await stop('SIGKILL');
    },
  };
}

/** Reads the port from the JSON line `bootstrapService` logs once bound. */
async function waitForListeningPort(
  output: () => string,
  exited: Promise<number | null>,
  timeoutMs: number,
): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${LISTENING_LOG_MESSAGE}" line within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const poll = setInterval(() => {
      const port = listeningPort(output());
      if (port !== undefined) finish(port);
    }, 25);
    void exited.then((code) => finish(new Error(`exited with code ${code} before listening`)));
    function finish(result: number | Error) {
      clearTimeout(timer);
      clearInterval(poll);
      if (typeof result === 'number') resolve(result);
      else reject(result);
    }
  });
}

export function listeningPort(output: string): number | undefined {
  for (const line of output.split('\n')) {
    if (!line.includes(LISTENING_LOG_MESSAGE)) continue;
    try {
      const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
      if (entry.msg === LISTENING_LOG_MESSAGE && typeof entry.port === 'number') return entry.port;
    } catch {
      // not a JSON line
    }
  }
  return undefined;
}
