import { Topics } from '@carecircle/contracts';
import type { ReadAllOptions, RecordedEvent } from '@carecircle/platform/event-store';
import { silentLogger } from '../logging/messaging-logger';
import { enrollmentMapper, newEnrollmentEvent, recorded } from '../test-support/sample-events';
import type { OutgoingMessage } from './outgoing-message';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
import type { CheckpointedBatch, ClaimResult, RelayCheckpointStore } from './relay-checkpoint.store';
import { RelayMappingError } from './outgoing-message.mapping';
import { waitFor } from '@carecircle/platform/testing';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

class MemoryLog {
  constructor(readonly events: RecordedEvent[] = []) {}
  readAll = async ({ after, maxCount }: ReadAllOptions = {}) =>
    this.events.filter((e) => after === undefined || e.globalPosition > after).slice(0, maxCount);
}

class MemoryCheckpoints implements RelayCheckpointStore {
  position?: bigint;
  heldElsewhere = false;
  async withCheckpoint<T>(_: string, batch: CheckpointedBatch<T>): Promise<ClaimResult<T>> {
    if (this.heldElsewhere) return { claimed: false };
    const { result, advanceTo } = await batch(this.position);
    if (advanceTo !== undefined) this.position = advanceTo;
    return { claimed: true, result };
  }
  read = async () => this.position;
}

function setUp(events: RecordedEvent[], overrides: Partial<OutboxRelayOptions> = {}) {
  const published: OutgoingMessage[][] = [];
  const checkpoints = new MemoryCheckpoints();
  const relay = new OutboxRelay({
    name: 'enrollment',
    eventStore: new MemoryLog(events),
    checkpoints,
    publisher: { publish: async (messages) => void published.push([...messages]) },
    map: enrollmentMapper,
    batchSize: 2,
    idleIntervalMs: 5,
    backoff: { initialDelayMs: 1, maxDelayMs: 4 },
    logger: silentLogger,
    ...overrides,
  });
  return { relay, checkpoints, published };
}

const first = recorded(newEnrollmentEvent('mbr_member_000a', TRACEPARENT), 10n);
const unmapped = recorded({ ...newEnrollmentEvent('mbr_member_000a'), type: 'InternalNoteAdded' }, 11n);
const third = recorded(newEnrollmentEvent('mbr_member_000b'), 12n);
const events = [first, unmapped, third];

describe('OutboxRelay', () => {
  it('publishes mapped events keyed as mapped, skips unmapped ones, carries the trace context and advances', async () => {
    const { relay, checkpoints, published } = setUp(events);
    expect(await relay.relayOnce()).toEqual({ claimed: true, read: 2, published: 1, position: 11n });
    expect(checkpoints.position).toBe(11n);
    expect(published[0]).toEqual([
      expect.objectContaining({
        topic: Topics.enrollment,
        key: 'mbr_member_000a',
        headers: { traceparent: TRACEPARENT },
        value: expect.objectContaining({ eventId: first.eventId }),
      }),
    ]);
    expect(await relay.relayOnce()).toMatchObject({ read: 1, published: 1, position: 12n });
    expect(await relay.relayOnce()).toMatchObject({ read: 0, published: 0, position: 12n });
  });

  it('keeps the checkpoint when the broker did not acknowledge, and republishes the same batch next time', async () => {
    let fail = true;
    const attempts: string[][] = [];
    const { relay, checkpoints } = setUp(events, {
      publisher: {
        publish: async (messages) => {
          attempts.push(messages.map((m) => m.value.eventId));
          if (fail) throw new Error('broker unavailable');
        },
      },
    });
    await expect(relay.relayOnce()).rejects.toThrow('broker unavailable');
    expect(checkpoints.position).toBeUndefined();
    fail = false;
    await relay.relayOnce();
    expect(attempts[1]).toEqual(attempts[0]);
    expect(checkpoints.position).toBe(11n);
  });

  it('stops at an event the mapper cannot map instead of skipping it or publishing garbage', async () => {
    const throwing = setUp(events, {
      map: () => {
        throw new TypeError('bug');
      },
    });
    await expect(throwing.relay.relayOnce()).rejects.toThrow(RelayMappingError);
    expect(throwing.checkpoints.position).toBeUndefined();

    const failsOnThird = setUp(events, {
      batchSize: 10,
      map: (e) => {
        if (e.globalPosition === third.globalPosition) throw new TypeError('bug');
        return enrollmentMapper(e);
      },
    });
    await expect(failsOnThird.relay.relayOnce()).rejects.toThrow(
      'Cannot relay the MemberEnrolled event at position 12: the mapper threw TypeError',
    );
    expect(failsOnThird.published.flat().map((m) => m.value.eventId)).toEqual([first.eventId]);
    expect(failsOnThird.checkpoints.position).toBe(11n);

    const withMrn = (e: RecordedEvent) => {
      const message = enrollmentMapper(e);
      return message && { ...message, value: { ...message.value, subject: 'MRN-000123' } };
    };
    const invalid = setUp(events, { map: withMrn });
    await expect(invalid.relay.relayOnce()).rejects.toThrow(
      /position 10: invalid envelope \(subject: invalid_format\)/,
    );
    expect(invalid.published).toHaveLength(0);
  });

  it('does nothing while another replica holds the checkpoint', async () => {
    const { relay, checkpoints, published } = setUp(events);
    checkpoints.heldElsewhere = true;
    expect(await relay.relayOnce()).toEqual({ claimed: false, read: 0, published: 0 });
    expect(published).toHaveLength(0);
  });

  it('runs in the background until caught up, backs off on failures, and stop() waits for the batch in flight', async () => {
    let failures = 2;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const publishedIds: string[] = [];
    let secondBatchInFlight = false;
    const { relay, checkpoints } = setUp(events, {
      publisher: {
        publish: async (messages) => {
          if (failures-- > 0) throw new Error('broker unavailable');
          if (messages[0]?.key === 'mbr_member_000b') {
            secondBatchInFlight = true;
            await gate; // hangs until released
          }
          publishedIds.push(...messages.map((m) => m.value.eventId));
        },
      },
    });
    relay.start();
    await waitFor(() => secondBatchInFlight, {
      timeoutMs: 2_000,
      description: 'the second batch to be in flight after two failed attempts',
    });
    expect(checkpoints.position).toBe(11n);
    expect(relay.status()).toMatchObject({ running: true, consecutiveFailures: 0, lastErrorClass: 'Error' });
    const stopped = relay.stop();
    let stopResolved = false;
    void stopped.then(() => (stopResolved = true));
    await new Promise((resolve) => setImmediate(resolve)); // let every settled promise run
    expect(stopResolved).toBe(false);
    release();
    await stopped;
    expect(checkpoints.position).toBe(12n);
    expect(publishedIds).toEqual([first.eventId, third.eventId]);
    expect(relay.status().running).toBe(false);
  });

  it('relays an append woken while a batch was reading in the next batch, not after its idle wait', async () => {
    const log = new MemoryLog([first]);
    let reads = 0;
    // The store wakes the relay it is read by (declared below, called only once the relay runs).
    const { relay, published } = setUp([], {
      idleIntervalMs: 60_000,
      eventStore: {
        readAll: async (options) => {
          const batch = await log.readAll(options);
          // Committed (and signalled) just after the first read took its snapshot: that read cannot see it.
          if (++reads === 1) {
            log.events.push(third);
            relay.wake();
          }
          return batch;
        },
      },
    });
    relay.start();
    await waitFor(() => published.flat().length === 2, {
      timeoutMs: 2_000,
      description: 'the event appended during the first batch, without waiting out the 60 s idle interval',
    });
    await relay.stop();
    expect(published.flat().map((m) => m.value.eventId)).toEqual([first.eventId, third.eventId]);
  });

  it('relays an event appended while a batch was in flight at once, without waiting out the idle pause', async () => {
    const log = new MemoryLog([first]);
    const publishedIds: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstBatchInFlight = false;
    const { relay } = setUp([], {
      eventStore: log,
      batchSize: 100,
      idleIntervalMs: 60_000,
      publisher: {
        publish: async (messages) => {
          if (!firstBatchInFlight) {
            firstBatchInFlight = true;
            await gate;
          }
          publishedIds.push(...messages.map((m) => m.value.eventId));
        },
      },
    });
    relay.start();
    await waitFor(() => firstBatchInFlight, { timeoutMs: 2_000, description: 'the first batch to be in flight' });
    log.events.push(third); // appended (and its wake-up sent) after the batch read the log
    relay.wake();
    release();
    await waitFor(() => publishedIds.length === 2, {
      timeoutMs: 2_000,
      description: `the second event relayed well before the 60 s idle pause (published ${publishedIds.length})`,
    });
    expect(publishedIds).toEqual([first.eventId, third.eventId]);
    await relay.stop();
  });

  it('lingers before the next read while events stream in, so they go out in one publish', async () => {
    const log = new MemoryLog([first]);
    const fourth = recorded(newEnrollmentEvent('mbr_member_000c'), 13n);
    const lingered: number[] = [];
    let reads = 0;
    const { relay, published } = setUp([], {
      batchSize: 100,
      idleIntervalMs: 60_000,
      lingerMs: 7,
      eventStore: {
        readAll: async (options) => {
          const batch = await log.readAll(options);
          if (++reads === 1) {
            log.events.push(third); // streaming: an append lands while the first batch is relayed
            relay.wake();
          }
          return batch;
        },
      },
      // During the linger another event arrives; the next read takes both.
      sleep: async (ms) => {
        lingered.push(ms);
        if (lingered.length === 1) {
          log.events.push(fourth);
          relay.wake();
        }
      },
    });
    relay.start();
    await waitFor(() => published.flat().length === 3, { timeoutMs: 2_000, description: 'the three events relayed' });
    await relay.stop();
    expect(published.map((batch) => batch.map((m) => m.value.eventId))).toEqual([
      [first.eventId],
      [third.eventId, fourth.eventId],
    ]);
    expect(lingered[0]).toBe(7);
  });

  it('relays a lone event to an idle relay at once, without lingering', async () => {
    const log = new MemoryLog([]);
    const lingered: number[] = [];
    let reads = 0;
    const { relay, published } = setUp([], {
      eventStore: { readAll: async (options) => (reads++, log.readAll(options)) },
      idleIntervalMs: 60_000,
      lingerMs: 7,
      sleep: async (ms) => void lingered.push(ms),
    });
    relay.start();
    await waitFor(() => reads >= 1, { timeoutMs: 2_000, description: 'the relay to find nothing and idle' });
    log.events.push(first);
    relay.wake();
    await waitFor(() => published.flat().length === 1, { timeoutMs: 2_000, description: 'the lone event relayed' });
    await relay.stop();
    expect(lingered).toEqual([]);
  });

  it('reports its lag: the checkpoint, the capped backlog and the age of the oldest pending event', async () => {
    const { relay } = setUp(events);
    await relay.relayOnce();
    const lag = await relay.lag(10);
    expect(lag).toMatchObject({ checkpoint: 11n, pendingEvents: 1, pendingAtLeast: false });
    expect(lag.oldestPendingAgeMs).toBeGreaterThan(0);
    expect(await relay.lag(1)).toMatchObject({ pendingEvents: 1, pendingAtLeast: true });
  });
});
