/** Who and what caused a command, as the adapter (HTTP request, Kafka message) knows it. */
export interface RequestContext {
  correlationId: string;
  causationId: string;
}
