import { EventEmitter } from 'node:events';
import { armShutdownDeadline } from './shutdown-deadline';

describe('armShutdownDeadline', () => {
  const setUp = () => {
    const signals = new EventEmitter();
    const timers: { ms: number; fire: () => void; unrefed: boolean }[] = [];
    const setTimer = (fire: () => void, ms: number) => {
      const timer = { ms, fire, unrefed: false };
      timers.push(timer);
      return { unref: () => (timer.unrefed = true) };
    };
    let overruns = 0;
    armShutdownDeadline(10_000, () => overruns++, signals, setTimer);
    return { signals, timers, overruns: () => overruns };
  };

  it('starts nothing until a stop signal arrives', () => {
    const { timers, overruns } = setUp();
    expect(timers).toEqual([]);
    expect(overruns()).toBe(0);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'on %s gives the graceful close the deadline, on an unref’d timer, then calls the overrun',
    (signal) => {
      const { signals, timers, overruns } = setUp();
      signals.emit(signal);
      expect(timers.map((t) => [t.ms, t.unrefed])).toEqual([[10_000, true]]);
      expect(overruns()).toBe(0);
      timers[0]!.fire();
      expect(overruns()).toBe(1);
    },
  );

  it('arms once per signal kind: a second SIGTERM starts no second clock', () => {
    const { signals, timers } = setUp();
    signals.emit('SIGTERM');
    signals.emit('SIGTERM');
    expect(timers).toHaveLength(1);
  });
});
