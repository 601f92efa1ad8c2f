import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { shutdownTracing } from '@carecircle/platform/observability';

/**
 * Last step of the graceful shutdown: the HTTP server and the Kafka consumers are closed by then,
 * so the spans of the requests and messages they drained are exported before the process exits.
 */
@Injectable()
export class FlushTracingOnShutdown implements OnApplicationShutdown {
  async onApplicationShutdown(): Promise<void> {
    await shutdownTracing();
  }
}
