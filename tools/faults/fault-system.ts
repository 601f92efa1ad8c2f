import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import { dropDatabase, ensureDatabase, startKafka, type KafkaCluster } from '@carecircle/platform/testing';
import { ensureLocalSmartClient, localTokenSource } from '../demo/local-smart-client';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';

/**
 * The services the suite's load passes through: enrollment → scheduling and clinician-liaison (alerts,
 * pushes); outcomes (measures, and the gateway's ingested Observations); the gateway (FHIR ingest and its
 * outbox relay, and the care timeline fed by every other service's topic).
 */
export const FAULT_SERVICES = ['enrollment', 'scheduling', 'clinician-liaison', 'outcomes', 'gateway'] as const;
export type FaultService = (typeof FAULT_SERVICES)[number];

const ROOT = join(__dirname, '..', '..');
const WEBHOOK_SECRET = 'faults-suite-webhook-secret-not-a-real-one';
/** The gateway's issuer as its tokens name it (never resolved: tokens are requested from a replica's own URL). */
const GATEWAY_PUBLIC_URL = 'http://gateway.faults.test';
/** The gateway's settings every replica shares, so a token or a member id minted by one holds on the others. */
const GATEWAY_IDENTITY_KEY = Buffer.alloc(32, 14).toString('base64');

/** Every process and server the suite started, stopped by `stopEverything` (also on exit and on signals). */
const started = new Set<{ kill: () => void }>();
export function killEverythingNow(): void {
  for (const item of started) item.kill();
}

/**
 * One scenario's system: its own mock Kafka cluster (so its own topics), its own databases behind a TCP
 * proxy in front of the shared PostgreSQL server, a webhook receiver, and replicas of each built service.
 */
export interface FaultSystem {
  kafka: KafkaCluster;
  postgres: TcpProxy;
  webhooks: WebhookReceiver;
  /** A SMART backend token for the gateway's FHIR routes (the EHR's), minted by a live replica and cached. */
  gatewayToken(renew?: boolean): Promise<string>;
  /** A direct (unproxied) URL of each service's database, for the checks. */
  databaseUrl(service: FaultService): string;
  replicas(service: FaultService): ServiceProcess[];
  /** The URL of one live replica, round-robin, so load spreads over replicas. */
  url(service: FaultService): string;
  start(service: FaultService): Promise<ServiceProcess>;
  kill9(replica: ServiceProcess): Promise<void>;
  /** Writes every replica's output (killed ones too) under `dir`, for a failed scenario. */
  saveLogs(dir: string): void;
  /** Freezes the broker process (SIGSTOP): connections stay open and nothing answers, as a partition. */
  freezeBroker(): void;
  thawBroker(): void;
  stop(): Promise<void>;
}

export async function startFaultSystem(server: string, prefix: string): Promise<FaultSystem> {
  const serverUrl = new URL(server);
  const kafka = await startKafka({ ...process.env, KAFKA_BROKERS: '' });
  const kcatPid = findMockPid(kafka);
  const postgres = await startTcpProxy({ host: serverUrl.hostname, port: Number(serverUrl.port || 5432) });
  const webhooks = await startWebhookReceiver();
  // The EHR's SMART backend client (a key pair made for this run; the file goes at `stop`).
  const smartClientFile = join(ROOT, 'test-output', 'faults', `${prefix}-smart-client.json`);
  const smartClient = await ensureLocalSmartClient(smartClientFile, `${GATEWAY_PUBLIC_URL}/auth/token`);
  const signingKey = await generateKeyPair('ES384', { extractable: true });
  const signingJwk = JSON.stringify({ ...(await exportJWK(signingKey.privateKey)), kid: 'faults-1' });
  let token: { value: string; renewAt: number } | undefined;
  const databases = new Map<FaultService, string>();
  for (const service of FAULT_SERVICES) databases.set(service, `${prefix}_${service.replace(/-/g, '_')}`);
  for (const database of databases.values()) await ensureDatabase(server, database);
  const viaProxy = (database: string) => {
    const url = new URL(server);
    url.host = postgres.address;
    url.pathname = `/${database}`;
    return url.toString();
  };
  const direct = (database: string) => {
    const url = new URL(server);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const running = new Map<FaultService, ServiceProcess[]>(FAULT_SERVICES.map((s) => [s, []]));
  const turn = new Map<FaultService, number>();
  const guards = new Map<ServiceProcess, { kill: () => void }>();
  const everStarted: { service: FaultService; replica: ServiceProcess }[] = [];

  const envOf = (service: FaultService): NodeJS.ProcessEnv => ({
    // info: the harness reads the port from the "service listening" line.
    LOG_LEVEL: 'info',
    KAFKA_BROKERS: kafka.brokers.join(','),
    KAFKA_TOPICS_AUTO_CREATED: 'true',
    // A killed replica's partitions move within seconds, not kafkajs's default 30 s.
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    DATABASE_URL: viaProxy(databases.get(service)!),
    ...(service === 'clinician-liaison'
      ? {
          LIAISON_TIMER_POLL_MS: '200',
          LIAISON_WEBHOOK_ENDPOINTS: JSON.stringify({
            'attending-psychiatrist': webhooks.url,
            facilitator: webhooks.url,
            'cbt-therapist': webhooks.url,
            'palliative-care': webhooks.url,
          }),
          LIAISON_WEBHOOK_SECRET: WEBHOOK_SECRET,
          LIAISON_PUSH_RETRY_BASE_MS: '200',
          LIAISON_PUSH_RETRY_MAX_MS: '2000',
        }
      : {}),
    ...(service === 'gateway'
      ? {
          GATEWAY_PUBLIC_URL,
          GATEWAY_IDENTITY_KEY,
          GATEWAY_SIGNING_KEY: signingJwk,
          SMART_CLIENTS: JSON.stringify([smartClient.registration]),
          // The load is one EHR client sending as fast as the suite can: a bucket that never throttles it.
          GATEWAY_RATE_LIMITS: JSON.stringify({
            principals: { [smartClient.registration.clientId]: { burst: 10_000, perSecond: 10_000 } },
          }),
        }
      : {}),
  });

  const system: FaultSystem = {
    kafka,
    postgres,
    webhooks,
    gatewayToken: async (renew = false) => {
      if (!renew && token && Date.now() < token.renewAt) return token.value;
      // A source of its own each time: the replica that answers may not be the one that answered before.
      const value = await localTokenSource(smartClient.file, `${system.url('gateway')}/auth/token`)();
      token = { value, renewAt: Date.now() + 120_000 };
      return value;
    },
    databaseUrl: (service) => direct(databases.get(service)!),
    replicas: (service) => running.get(service)!,
    url: (service) => {
      const live = running.get(service)!;
      if (live.length === 0) throw new Error(`no ${service} replica is running`);
      const next = (turn.get(service) ?? 0) % live.length;
      turn.set(service, next + 1);
      return live[next]!.url;
    },
    start: async (service) => {
      const replica = await startServiceProcess({
        app: service,
        rootDir: ROOT,
        env: envOf(service),
        startTimeoutMs: 90_000,
      });
      const guard = { kill: () => void replica.kill9() };
      started.add(guard);
      guards.set(replica, guard);
      running.get(service)!.push(replica);
      everStarted.push({ service, replica });
      return replica;
    },
    kill9: async (replica) => {
      for (const list of running.values()) {
        const at = list.indexOf(replica);
        if (at >= 0) list.splice(at, 1);
      }
      await replica.kill9();
      started.delete(guards.get(replica)!);
    },
    saveLogs: (dir) => {
      mkdirSync(dir, { recursive: true });
      for (const { service, replica } of everStarted)
        writeFileSync(join(dir, `${service}-${replica.pid}.log`), replica.output());
    },
    freezeBroker: () => process.kill(kcatPid, 'SIGSTOP'),
    thawBroker: () => process.kill(kcatPid, 'SIGCONT'),
    stop: async () => {
      try {
        process.kill(kcatPid, 'SIGCONT');
      } catch {
        // already gone
      }
      await Promise.all([...running.values()].flat().map((replica) => system.kill9(replica)));
      await kafka.stop();
      await postgres.close();
      await webhooks.close();
      rmSync(smartClientFile, { force: true });
      for (const database of databases.values()) await dropDatabase(server, database).catch(() => undefined);
    },
  };
  return system;
}

/** The kcat process that holds the mock cluster. */
function findMockPid(kafka: KafkaCluster): number {
  if (kafka.pid === undefined) throw new Error('the fault suite needs the mock Kafka cluster (unset KAFKA_BROKERS)');
  return kafka.pid;
}
