// Logging
export * from './logging/messaging-logger';
export { kafkajsLogCreator } from './logging/kafkajs-log-creator';

// Kafka client setup
export * from './kafka-client/kafka-client.factory';
export * from './kafka-client/nest-kafka-options';
export { applyKafkajsNegativeTimeoutFix } from './kafka-client/kafkajs-negative-timeout.fix';

// Schema
export * from './migrations/messaging-migrations';

// Outbox relay
export * from './outbox-relay/outgoing-message';
export * from './outbox-relay/outbox-relay';
export * from './outbox-relay/message-publisher';
export * from './outbox-relay/relay-checkpoint.store';
export type { RelayLag } from './outbox-relay/relay-lag';
export { RelayMappingError } from './outbox-relay/outgoing-message.mapping';

// Inbox
export * from './inbox/inbox';
export * from './inbox/inbox-transaction';
export * from './inbox/kept-message-projection';

// Consuming: parse → inbox → effect, retries, dead letters
export * from './consumer/incoming-message';
export { decodeMessage, type DecodedMessage } from './consumer/decode-message';
export * from './consumer/event-route';
export * from './consumer/handle-outcome';
export * from './consumer/message-rejections';
export * from './consumer/error-summary';
export * from './consumer/dead-letter.publisher';
export { DEFAULT_RETRY_POLICY, isTransientError, type RetryPolicy } from './consumer/retry-policy';
export { TopicHandler, type TopicRoutes } from './consumer/topic-handler';
export * from './consumer/integration-event-consumer';
export { dispatchToTopicHandlers } from './consumer/each-message-dispatcher';

// Nest
export * from './nest/kafka-topic-handler.decorator';
export * from './nest/handler-coverage';
export { BatchedServerKafka, kafkaConsumerServer } from './nest/batched-server-kafka';

// Topic provisioning
export * from './provisioning/provision-topics';
export { planProvisioning, type ProvisioningPlan, type ClusterShape } from './provisioning/provisioning-plan';
export { integrationMessage, type IntegrationContract } from './outbox-relay/integration-message';
export { backoffDelayMs, jitteredBackoffDelayMs, type Backoff } from './shared/backoff';
