import type { Admin, Kafka } from 'kafkajs';
import { warningsToStderr, type MessagingLogger } from '../logging/messaging-logger';
import { isControllerUnreachable, planProvisioning } from './provisioning-plan';

export interface TopicSpec {
  topic: string;
  numPartitions: number;
  replicationFactor: number;
  configEntries?: { name: string; value: string }[];
}

export interface ProvisionOptions {
  /** True where the cluster creates topics on first use (the local mock cluster: `kind === 'mock'`). */
  autoCreated?: boolean;
  /** Bound on the whole provisioning (default 30 s): a cluster that does not answer fails it, never hangs it. */
  timeoutMs?: number;
  logger?: MessagingLogger;
}

export type ProvisionResult =
  { mode: 'created'; created: string[]; existing: string[] } | { mode: 'auto-created'; reason: string };

export class ProvisioningTimeoutError extends Error {
  override readonly name = 'ProvisioningTimeoutError';
}

/**
 * Creates the topics that do not exist yet, with their partitions and replication (existing topics are
 * left as they are). Where the cluster cannot create topics through the admin API but auto-creates
 * them (the mock cluster), it says so once and returns.
 */
export async function provisionTopics(
  kafka: Kafka,
  topics: readonly TopicSpec[],
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const logger = options.logger ?? warningsToStderr;
  const relyOnAutoCreation = (reason: string): ProvisionResult => {
    logger({
      level: 'info',
      source: 'provision-topics',
      message: `not creating topics: ${reason}; relying on broker auto-creation`,
      fields: { topics: topics.length },
    });
    return { mode: 'auto-created', reason };
  };
  const declared = planProvisioning(options.autoCreated);
  if (declared.action === 'rely-on-auto-creation') return relyOnAutoCreation(declared.reason);

  const admin = kafka.admin();
  const work = async (): Promise<ProvisionResult> => {
    await admin.connect();
    const plan = planProvisioning(false, await admin.describeCluster());
    if (plan.action === 'rely-on-auto-creation') return relyOnAutoCreation(plan.reason);
    try {
      return await createMissing(admin, topics, logger);
    } catch (error) {
      if (isControllerUnreachable(error)) return relyOnAutoCreation('kafkajs cannot reach the controller');
      throw error;
    }
  };
  try {
    return await withTimeout(work(), options.timeoutMs ?? 30_000);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function createMissing(
  admin: Admin,
  topics: readonly TopicSpec[],
  logger: MessagingLogger,
): Promise<ProvisionResult> {
  const present = new Set(await admin.listTopics());
  const missing = topics.filter(({ topic }) => !present.has(topic));
  const existing = topics.filter(({ topic }) => present.has(topic)).map(({ topic }) => topic);
  if (missing.length > 0)
    await admin.createTopics({ topics: missing.map((spec) => ({ ...spec })), waitForLeaders: true });
  logger({
    level: 'info',
    source: 'provision-topics',
    message: 'topics provisioned',
    fields: { created: missing.length, existing: existing.length },
  });
  return { mode: 'created', created: missing.map(({ topic }) => topic), existing };
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ProvisioningTimeoutError(`Topic provisioning did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
