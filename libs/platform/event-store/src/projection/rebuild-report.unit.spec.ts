import { progressBar, reportRebuild, type RebuildLogFields } from './rebuild-report';
import type { RebuildProgress } from './shadow-rebuild';

describe('progressBar', () => {
  it('fills the bar in proportion to the events done', () => {
    expect(progressBar({ done: 5, total: 10 })).toBe(`[${'#'.repeat(15)}${'.'.repeat(15)}]  50% 5/10 events`);
    expect(progressBar({ done: 0, total: 10 })).toBe(`[${'.'.repeat(30)}]   0% 0/10 events`);
    expect(progressBar({ done: 1, total: 3 })).toBe(`[${'#'.repeat(10)}${'.'.repeat(20)}]  33% 1/3 events`);
  });

  it('shows a rebuild with nothing to fold, or more than counted, as complete', () => {
    expect(progressBar({ done: 0, total: 0 })).toBe(`[${'#'.repeat(30)}] 100% 0/0 events`);
    expect(progressBar({ done: 12, total: 10 })).toBe(`[${'#'.repeat(30)}] 100% 12/10 events`);
  });
});

describe('reportRebuild', () => {
  /** A stream that keeps what is written, as a terminal (`isTTY`) or a file or pipe. */
  function fakeOut(isTTY: boolean) {
    const writes: string[] = [];
    const out = { isTTY, write: (chunk: string) => (writes.push(chunk), true) };
    return { out: out as unknown as NodeJS.WritableStream & { isTTY?: boolean }, writes };
  }

  /**
   * A rebuild of 10 events on a clock the test moves: pages at 0 ms, 500 ms (twice the same), 2000 ms,
   * and the end at 2500 ms.
   */
  async function runOn(out: NodeJS.WritableStream & { isTTY?: boolean }) {
    let clock = 0;
    const logLines: Array<RebuildLogFields & { message: string }> = [];
    const result = await reportRebuild(
      'toy',
      async (onProgress) => {
        onProgress({ done: 0, total: 10 });
        clock = 500;
        onProgress({ done: 5, total: 10 });
        onProgress({ done: 5, total: 10 }); // the same line again: not redrawn
        clock = 2_000;
        onProgress({ done: 10, total: 10 });
        clock = 2_500;
        return { done: 10, total: 10 } satisfies RebuildProgress;
      },
      { out, logger: { info: (fields, message) => void logLines.push({ ...fields, message }) }, now: () => clock },
    );
    return { result, logLines };
  }

  const bars = [
    progressBar({ done: 0, total: 10 }),
    progressBar({ done: 5, total: 10 }),
    progressBar({ done: 10, total: 10 }),
  ];

  it('redraws one line on a terminal, then ends it with the summary', async () => {
    const { out, writes } = fakeOut(true);
    const { result } = await runOn(out);
    expect(result).toEqual({ done: 10, total: 10 });
    expect(writes).toEqual([...bars.map((bar) => `\r${bar}`), '\ntoy rebuilt from 10 events\n']);
  });

  it('writes a line per change of the bar to a stream that is not a terminal', async () => {
    const { out, writes } = fakeOut(false);
    await runOn(out);
    expect(writes).toEqual([...bars.map((bar) => `${bar}\n`), 'toy rebuilt from 10 events\n']);
  });

  it('logs counts and rates at most once a second, and a last line with the totals', async () => {
    const { logLines } = await runOn(fakeOut(false).out);
    // 500 ms after the first line is too soon for another; 2000 ms is not.
    expect(logLines).toEqual([
      { done: 0, total: 10, seconds: 0, eventsPerSec: 0, message: 'toy rebuild progress' },
      { done: 10, total: 10, seconds: 2, eventsPerSec: 5, message: 'toy rebuild progress' },
      { done: 10, total: 10, seconds: 2.5, eventsPerSec: 4, message: 'toy rebuilt' },
    ]);
    for (const line of logLines)
      expect(Object.keys(line).sort()).toEqual(['done', 'eventsPerSec', 'message', 'seconds', 'total']);
  });

  it('passes a failed rebuild on, with no summary', async () => {
    const { out, writes } = fakeOut(false);
    const lines: string[] = [];
    const failure = new Error('fold failed');
    await expect(
      reportRebuild(
        'toy',
        async (onProgress) => {
          onProgress({ done: 0, total: 4 });
          throw failure;
        },
        { out, logger: { info: (_fields, message) => void lines.push(message) }, now: () => 0 },
      ),
    ).rejects.toBe(failure);
    expect(writes).toEqual([`${progressBar({ done: 0, total: 4 })}\n`]);
    expect(lines).toEqual(['toy rebuild progress']);
  });
});
