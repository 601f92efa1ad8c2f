import { randomUUID } from 'node:crypto';
import { WrongExpectedVersionError, type EventStore, type NewEvent, type RecordedEvent } from '../event-store.port';

/** Every test writes to streams of its own, so tests sharing one store never see each other's streams. */
export function uniqueStreamId(purpose: string): string {
  return `contract_${purpose}-${randomUUID()}`;
}

export function newEvent(type = 'SomethingHappened', data: Record<string, unknown> = {}): NewEvent {
  return {
    eventId: randomUUID(),
    type,
    data,
    metadata: { correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2026-03-01T09:30:00.000Z' },
  };
}

export function newEvents(count: number, type?: string): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

/** Awaits a promise expected to fail and returns its error, so a test can inspect it. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('Expected the operation to fail, but it succeeded');
    },
    (error: unknown) => error,
  );
}

export async function expectConflict(
  append: Promise<unknown>,
  streamId: string,
  actualVersion: number | 'no_stream',
): Promise<void> {
  const error = await rejectionOf(append);
  expect(error).toBeInstanceOf(WrongExpectedVersionError);
  expect(error).toMatchObject({ name: 'WrongExpectedVersionError', streamId, actualVersion });
}

/** The last item; a test that expects items fails here with a clear message when there are none. */
export function lastOf<T>(items: readonly T[]): T {
  const item = items.at(-1);
  if (item === undefined) throw new Error('Expected at least one item, got none');
  return item;
}

export function positionsOf(events: readonly RecordedEvent[]): bigint[] {
  return events.map((event) => event.globalPosition);
}

export function isStrictlyIncreasing(positions: readonly bigint[]): boolean {
  return positions.every((position, index) => index === 0 || position > (positions[index - 1] ?? position));
}

/** `readAll` after `after`, page by page, keeping only the given stream's events. */
export async function readAllOfStream(store: EventStore, streamId: string, after?: bigint): Promise<RecordedEvent[]> {
  // The global log holds a position back while an older transaction anywhere on the server is open (another
  // test's, say); the stream itself is read at once. Read the log until it shows what the stream holds.
  const inStream = (await store.readStream(streamId)).filter(
    (event) => after === undefined || event.globalPosition > after,
  );
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = await readLogOfStream(store, streamId, after);
    if (found.length >= inStream.length || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function readLogOfStream(store: EventStore, streamId: string, after?: bigint): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  for (;;) {
    const page = await store.readAll({ after, maxCount: 500 });
    if (page.length === 0) return found;
    found.push(...page.filter((event) => event.streamId === streamId));
    after = lastOf(page).globalPosition;
  }
}
