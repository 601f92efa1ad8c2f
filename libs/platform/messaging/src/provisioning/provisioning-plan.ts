/** What the cluster says about itself (admin `describeCluster`). */
export interface ClusterShape {
  controller: number | null;
  brokers: { nodeId: number }[];
}

export type ProvisioningPlan = { action: 'create' } | { action: 'rely-on-auto-creation'; reason: string };

/**
 * Whether `createTopics` can work here. librdkafka's mock cluster reports a controller id that is
 * none of its brokers, so kafkajs cannot find the controller and admin `createTopics` fails; it
 * auto-creates topics on first use instead. The harness also says so (`kind === 'mock'`).
 */
export function planProvisioning(autoCreated: boolean | undefined, cluster?: ClusterShape): ProvisioningPlan {
  if (autoCreated) return { action: 'rely-on-auto-creation', reason: 'the cluster is declared to auto-create topics' };
  if (cluster && !cluster.brokers.some((broker) => broker.nodeId === cluster.controller)) {
    return {
      action: 'rely-on-auto-creation',
      reason: `the cluster's controller (${cluster.controller}) is none of its brokers`,
    };
  }
  return { action: 'create' };
}

/** kafkajs's error when the controller it was told about is not in its metadata (the mock cluster's case). */
export function isControllerUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return (
    error.name === 'KafkaJSBrokerNotFound' || /no controller|controller.*not (found|available)/i.test(error.message)
  );
}
