import { Kafka, logLevel } from 'kafkajs';
import { Topics } from '@carecircle/contracts';
import { waitFor } from '@carecircle/platform/testing';
import { FAULT_SERVICES, type FaultSystem } from './fault-system';

export interface FaultContext {
  system: FaultSystem;
  /** Member flows finished so far (each is COMMANDS_PER_MEMBER commands). */
  progress(): number;
  members: number;
  outageMs: number;
  slowMs: number;
  log(message: string): void;
  /** Figures a scenario adds to its JSON line (e.g. dead letters). */
  extra: Record<string, unknown>;
  /** Problems only this scenario can see (e.g. a poison event nobody parked). */
  problems: string[];
}

export interface Scenario {
  name: string;
  /** Off unless named with `--include` (a scenario that cannot pass yet; the report says why). */
  optIn?: boolean;
  /** Replicas of each service at the start. */
  replicas?: number;
  /** What happens to the system while the load runs; resolves once the fault is over. */
  fault(context: FaultContext): Promise<void>;
}

/** Resolves once `fraction` of the member flows have finished (bounded by the load itself). */
async function atProgress(context: FaultContext, fraction: number): Promise<void> {
  const target = Math.max(1, Math.floor(context.members * fraction));
  await waitFor(() => context.progress() >= target, {
    timeoutMs: 600_000,
    intervalMs: 50,
    description: `${target} of ${context.members} member flows to finish`,
  });
}

const forMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const SCENARIOS: Scenario[] = [
  {
    name: 'kill-9-each-service',
    // Each service runs its own outbox relay in-process: killing enrollment (whose relay the load depends on
    // most), outcomes or the gateway (which relays the EHR's FHIR) is also that relay's kill -9.
    async fault(context) {
      const restarts: Promise<unknown>[] = [];
      for (const [i, service] of FAULT_SERVICES.entries()) {
        await atProgress(context, 0.12 * (i + 1));
        const [victim] = context.system.replicas(service);
        context.log(`kill -9 ${service} (pid ${victim!.pid}) at ${context.progress()} flows`);
        await context.system.kill9(victim!);
        // Restarted as an orchestrator would, while the load goes on and the next kill comes.
        restarts.push(context.system.start(service));
      }
      await Promise.all(restarts);
    },
  },
  {
    name: 'two-replicas-rebalance',
    async fault(context) {
      await atProgress(context, 0.3);
      context.log(`second replica of every service joins at ${context.progress()} flows (consumer groups rebalance)`);
      await Promise.all(FAULT_SERVICES.map((service) => context.system.start(service)));
    },
  },
  {
    name: 'postgres-unreachable',
    // The cut may land on the commit of a push pass's claim: clinician-liaison then takes its own leased
    // rows back at its next pass (claims name their replica), not after the lease.
    async fault(context) {
      await atProgress(context, 0.25);
      context.log(`PostgreSQL cut off for ${context.outageMs} ms at ${context.progress()} flows`);
      context.system.postgres.cut();
      await forMs(context.outageMs);
      context.system.postgres.resume();
    },
  },
  {
    name: 'broker-unreachable',
    async fault(context) {
      await atProgress(context, 0.25);
      context.log(`broker frozen for ${context.outageMs} ms at ${context.progress()} flows`);
      context.system.freezeBroker();
      await forMs(context.outageMs);
      context.system.thawBroker();
    },
  },
  {
    name: 'postgres-slow',
    async fault(context) {
      await atProgress(context, 0.1);
      context.log(`PostgreSQL slowed to ${context.slowMs} ms a query for ${context.outageMs} ms`);
      context.system.postgres.slow(context.slowMs);
      await forMs(context.outageMs);
      context.system.postgres.resume();
    },
  },
  {
    name: 'poison-event-per-topic',
    async fault(context) {
      await atProgress(context, 0.25);
      const kafka = new Kafka({
        clientId: 'faults-poison',
        brokers: context.system.kafka.brokers,
        logLevel: logLevel.NOTHING,
      });
      const producer = kafka.producer();
      await producer.connect();
      try {
        for (const topic of Object.values(Topics))
          await producer.send({ topic, messages: [{ key: 'poison', value: '{"not":"an integration event"' }] });
      } finally {
        await producer.disconnect();
      }
      context.log(`a poison message published to each of ${Object.values(Topics).length} topics`);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const deadLetters = async () => {
          const topics = (await admin.listTopics()).filter((t) => t.startsWith('carecircle.dead-letter.'));
          let total = 0;
          let nonEmpty = 0;
          for (const topic of topics) {
            let inTopic = 0;
            for (const partition of await admin.fetchTopicOffsets(topic))
              inTopic += Number(partition.high) - Number(partition.low);
            total += inTopic;
            if (inTopic > 0) nonEmpty++;
          }
          return { topics: nonEmpty, total };
        };
        // Every service's consumer group parks the poison of each topic it reads (and moves on).
        const parked = await waitFor(
          async () => (await deadLetters()).topics >= FAULT_SERVICES.length && (await deadLetters()).total,
          {
            timeoutMs: 60_000,
            intervalMs: 500,
            description: 'the poison messages to be dead-lettered',
          },
        ).catch((error: Error) => {
          context.problems.push(error.message);
          return 0;
        });
        context.extra['deadLettered'] = parked;
      } finally {
        await admin.disconnect();
      }
    },
  },
];
