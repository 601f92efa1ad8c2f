import type { Pool } from 'pg';
import { LogAppendSignal } from './log-append-signal';

/** A pool whose queries resolve when the test says: enough to see how NOTIFYs are coalesced. */
function poolHoldingQueries(): { pool: Pool; sent: string[]; finishNext(): Promise<void> } {
  const sent: string[] = [];
  const pending: (() => void)[] = [];
  const pool = {
    query: (text: string) => {
      sent.push(text);
      return new Promise<void>((resolve) => pending.push(resolve));
    },
  } as unknown as Pool;
  return {
    pool,
    sent,
    finishNext: async () => {
      pending.shift()?.();
      // Let the signal's finally handler run.
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
}

describe('LogAppendSignal: coalescing', () => {
  it('sends one NOTIFY for the first append and one more for everything appended while it was on its way', async () => {
    const { pool, sent, finishNext } = poolHoldingQueries();
    const signal = new LogAppendSignal(pool, { crossProcess: true });

    for (let i = 0; i < 50; i++) signal.appended();
    expect(sent).toEqual(['NOTIFY event_store_log_appended']);

    await finishNext();
    expect(sent).toHaveLength(2);
    await finishNext();
    expect(sent).toHaveLength(2);

    signal.appended();
    expect(sent).toHaveLength(3);
  });

  it("wakes this process's listeners on every append, without a database when not cross-process", () => {
    const { pool, sent } = poolHoldingQueries();
    const signal = new LogAppendSignal(pool, { crossProcess: false });
    let woken = 0;
    const unsubscribe = signal.subscribe(() => woken++);

    signal.appended();
    signal.appended();
    unsubscribe();
    signal.appended();

    expect(woken).toBe(2);
    expect(sent).toEqual([]);
  });
});
