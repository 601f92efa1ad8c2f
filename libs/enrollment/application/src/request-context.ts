/** Who and what caused a command, as the adapter (HTTP request, Kafka message) knows it: the kernel's, as every service's. */
export type { RequestContext } from '@carecircle/shared-kernel';
