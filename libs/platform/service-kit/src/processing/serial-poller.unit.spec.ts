import { startSerialPoller } from './serial-poller';

/** A pass the test ends by hand: how many started, and a way to finish the latest. */
function controlledPass() {
  const finishers: ((error?: Error) => void)[] = [];
  const pass = () =>
    new Promise<void>((resolve, reject) => finishers.push((error) => (error ? reject(error) : resolve())));
  return { pass, started: () => finishers.length, finish: (error?: Error) => finishers[finishers.length - 1]!(error) };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};
/** Time passes, then the passes it started get going. */
const elapse = async (ms: number) => {
  jest.advanceTimersByTime(ms);
  await flush();
};

describe('startSerialPoller', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('skips ticks while a pass runs instead of queueing them, then polls again', async () => {
    const { pass, started, finish } = controlledPass();
    const poller = startSerialPoller(pass, 100, () => undefined);
    await elapse(100);
    expect(started()).toBe(1);
    await elapse(1_000); // ten ticks during a slow pass
    expect(started()).toBe(1);
    finish();
    await flush();
    expect(started()).toBe(1); // nothing was queued behind it
    await elapse(100);
    expect(started()).toBe(2);
    finish();
    await poller.stop();
  });

  it('reports a failed pass and retries on the next tick', async () => {
    const { pass, started, finish } = controlledPass();
    const errors: unknown[] = [];
    const poller = startSerialPoller(pass, 100, (error) => errors.push(error));
    await elapse(100);
    finish(new Error('database away'));
    await flush();
    expect(errors).toEqual([new Error('database away')]);
    await elapse(100);
    expect(started()).toBe(2);
    finish();
    await poller.stop();
  });

  it('runs a pass on demand after the one in flight, never beside it', async () => {
    const { pass, started, finish } = controlledPass();
    const poller = startSerialPoller(pass, 100, () => undefined);
    await elapse(100);
    const onDemand = poller.runNow();
    await flush();
    expect(started()).toBe(1);
    finish();
    await flush();
    expect(started()).toBe(2);
    finish();
    await onDemand;
    await poller.stop();
  });

  it('waits on stop for the pass in flight, and starts none after', async () => {
    const { pass, started, finish } = controlledPass();
    const poller = startSerialPoller(pass, 100, () => undefined);
    await elapse(100);
    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    await elapse(1_000);
    expect(started()).toBe(1);
  });
});
