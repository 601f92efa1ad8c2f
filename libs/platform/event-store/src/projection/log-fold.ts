import type { EventStore, RecordedEvent } from '../event-store.port';
import type { FoldRange } from './shadow-rebuild';

/**
 * Folds a service's own log over `range` (global positions) a page at a time, read through the store's
 * port so upcasters apply: `apply` gets each page in order, and the next page is read while it runs.
 * `page(events)` follows each applied page. Answers how many events were read.
 */
export async function foldLog(
  store: Pick<EventStore, 'readAll'>,
  range: FoldRange,
  apply: (events: readonly RecordedEvent[]) => Promise<void>,
  page: (events: number) => Promise<void>,
  pageSize = 1_000,
): Promise<number> {
  const until = BigInt(range.until);
  const read = async (after: bigint) =>
    after >= until
      ? []
      : (await store.readAll({ after, maxCount: pageSize })).filter((event) => event.globalPosition <= until);
  // A failure is seen where the page is awaited; until then it must not count as unhandled.
  const readAhead = (after: bigint) => {
    const promise = read(after);
    promise.catch(() => undefined);
    return promise;
  };
  let next = readAhead(BigInt(range.after));
  let folded = 0;
  try {
    for (;;) {
      const events = await next;
      const last = events.at(-1);
      if (!last) return folded;
      next = readAhead(last.globalPosition);
      await apply(events);
      folded += events.length;
      await page(events.length);
    }
  } finally {
    await next.catch(() => undefined);
  }
}
