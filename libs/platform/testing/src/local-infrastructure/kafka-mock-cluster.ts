import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { waitFor } from '../wait-for';

export interface KafkaCluster {
  brokers: string[];
  /** `mock` when this process started librdkafka's mock cluster, `external` when KAFKA_BROKERS named one. */
  kind: 'mock' | 'external';
  /** The kcat process holding a mock cluster (a fault test freezes it to cut the broker off). */
  pid?: number;
  stop(): Promise<void>;
}

export const KCAT_INSTALL_HINT =
  'kcat is not installed: run `apt-get install -y kcat` (Debian/Ubuntu) or `brew install kcat` (macOS), or set KAFKA_BROKERS';

/**
 * `KAFKA_BROKERS` if set; otherwise librdkafka's built-in mock cluster (3 brokers, real Kafka protocol
 * on loopback), kept alive by a kcat consumer. The process is stopped by `stop()` and, as a last resort,
 * when this Node process exits.
 */
export async function startKafka(env: NodeJS.ProcessEnv = process.env, brokers = 3): Promise<KafkaCluster> {
  const configured = env['KAFKA_BROKERS']?.trim();
  if (configured) {
    return { brokers: configured.split(',').map((b) => b.trim()), kind: 'external', stop: async () => undefined };
  }
  const kcat = env['KCAT_BIN'] ?? 'kcat';
  if (spawnSync(kcat, ['-V'], { stdio: 'ignore' }).error) {
    throw new Error(KCAT_INSTALL_HINT);
  }
  const child = spawn(
    kcat,
    [
      '-b',
      '127.0.0.1:1',
      '-X',
      `test.mock.num.brokers=${brokers}`,
      '-d',
      'mock',
      '-C',
      '-t',
      '__carecircle_mock_keepalive',
      '-q',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  let stderr = '';
  let bootstrap: string | undefined;
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    if (bootstrap) return; // the mock logs every request at debug level; keep only the start-up lines
    stderr += chunk;
    const match = /bootstrap\.servers=([0-9.:,]+)/.exec(stderr);
    if (match) {
      bootstrap = match[1];
      stderr = '';
    }
  });
  let exited = false;
  child.once('exit', () => (exited = true));

  await waitFor(() => bootstrap !== undefined || exited, {
    timeoutMs: 10_000,
    description: 'the kcat mock cluster to print its bootstrap servers',
  });
  if (!bootstrap) {
    throw new Error(`kcat exited before the mock cluster started: ${stderr.slice(0, 500)}`);
  }
  return {
    brokers: bootstrap.split(','),
    kind: 'mock',
    pid: child.pid,
    stop: () => stopChild(child, killOnExit),
  };
}

async function stopChild(child: ChildProcess, killOnExit: () => void): Promise<void> {
  process.removeListener('exit', killOnExit);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}
