/**
 * One topic per event family and major version. Additive changes keep the version; a breaking change
 * adds `.v2` and the producer publishes both until every consumer has moved.
 */
export const Topics = {
  enrollment: 'carecircle.enrollment.v1',
  scheduling: 'carecircle.scheduling.v1',
  clinicianLiaison: 'carecircle.clinician-liaison.v1',
  outcomes: 'carecircle.outcomes.v1',
  gatewayIngest: 'carecircle.gateway-ingest.v1',
} as const;

export type Topic = (typeof Topics)[keyof typeof Topics];

/** Where a consumer parks a message it could not handle after its retries. One per consumer group. */
export function deadLetterTopic(consumerGroup: string): string {
  return `carecircle.dead-letter.${consumerGroup}`;
}
