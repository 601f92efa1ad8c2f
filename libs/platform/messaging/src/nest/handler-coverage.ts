import type { MessageHandler } from '@nestjs/microservices';

/** A Nest microservice server (e.g. the `ServerKafka` passed as `strategy`), or the app that holds one. */
export type HandlerSource = { getHandlers(): Map<string, MessageHandler> } | object;

export interface HandlerCoverage {
  /** Declared subscriptions with no handler: Nest would never consume them. */
  missing: string[];
  /** Handlers for topics the service did not declare. */
  undeclared: string[];
  /** Topics with more than one handler: Nest runs them all, and they would share one inbox row. */
  duplicated: string[];
  /** `@MessagePattern` (request/response) instead of an event handler. */
  notEventHandlers: string[];
}

export class HandlerCoverageError extends Error {
  override readonly name = 'HandlerCoverageError';
  constructor(readonly coverage: HandlerCoverage) {
    super(`Kafka handler coverage: ${describe(coverage)}`);
  }
}

/**
 * Nest's Kafka server commits, with only a log line, every message no handler matches; these checks
 * make a subscription without exactly one event handler fail a test instead. Call after
 * `app.init()` (handlers are registered then; no broker needed).
 */
export function checkHandlerCoverage(source: HandlerSource, expectedTopics: readonly string[]): HandlerCoverage {
  const handlers = resolveHandlers(source);
  const expected = new Set(expectedTopics);
  const registered = [...handlers.keys()];
  return {
    missing: [...expected].filter((topic) => !handlers.has(topic)).sort(),
    undeclared: registered.filter((topic) => !expected.has(topic)).sort(),
    duplicated: registered.filter((topic) => handlers.get(topic)?.next !== undefined).sort(),
    notEventHandlers: registered.filter((topic) => !handlers.get(topic)?.isEventHandler).sort(),
  };
}

export function assertEveryTopicHasHandler(source: HandlerSource, expectedTopics: readonly string[]): void {
  const coverage = checkHandlerCoverage(source, expectedTopics);
  if (Object.values(coverage).some((topics: string[]) => topics.length > 0)) throw new HandlerCoverageError(coverage);
}

function resolveHandlers(source: HandlerSource): Map<string, MessageHandler> {
  if (hasHandlers(source)) return source.getHandlers();
  // An INestMicroservice keeps its server in a private field; reading it spares services a second reference.
  const server: unknown = (source as { serverInstance?: unknown }).serverInstance;
  if (hasHandlers(server)) return server.getHandlers();
  throw new Error(
    'Pass the Nest microservice server (e.g. the ServerKafka given as `strategy`) or the INestMicroservice holding it',
  );
}

function hasHandlers(value: unknown): value is { getHandlers(): Map<string, MessageHandler> } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { getHandlers?: unknown }).getHandlers === 'function'
  );
}

function describe(coverage: HandlerCoverage): string {
  const parts = [
    coverage.missing.length && `no handler for ${coverage.missing.join(', ')}`,
    coverage.undeclared.length && `handlers for undeclared topics ${coverage.undeclared.join(', ')}`,
    coverage.duplicated.length && `more than one handler for ${coverage.duplicated.join(', ')}`,
    coverage.notEventHandlers.length &&
      `request/response handlers (use @KafkaTopicHandler) for ${coverage.notEventHandlers.join(', ')}`,
  ];
  return parts.filter(Boolean).join('; ');
}
