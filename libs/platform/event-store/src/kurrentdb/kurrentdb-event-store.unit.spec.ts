import { waitFor } from '@carecircle/platform/testing';
import { newEvent, newEvents, rejectionOf } from '../contract/contract-fixtures';
import { ExpectedVersion, WrongExpectedVersionError, type RecordedEvent } from '../event-store.port';
import { KurrentDbEventStore } from './kurrentdb-event-store';
import { FakeKurrentDbClient } from './kurrentdb-fake-client';

describe('KurrentDbEventStore (against an in-memory client)', () => {
  let client: FakeKurrentDbClient;
  let store: KurrentDbEventStore;

  beforeEach(() => {
    client = new FakeKurrentDbClient();
    store = new KurrentDbEventStore(client.asClient());
  });
  afterEach(() => store.close());

  it('appends JSON events and reports the version and position of the last one', async () => {
    const events = [newEvent('GroupFormed', { seats: 8 }), newEvent('SessionScheduled')];

    const result = await store.appendToStream('group-1', events, ExpectedVersion.noStream);

    const written = client.log.filter((event) => event.streamId === 'group-1');
    expect(result).toEqual({ nextExpectedVersion: 1, lastGlobalPosition: written[1]?.position.commit });
    expect(written.map(({ id, type, data, metadata }) => ({ eventId: id, type, data, metadata }))).toEqual(events);
  });

  it('turns the client conflict into the port error with the actual version', async () => {
    await store.appendToStream('group-1', newEvents(3), ExpectedVersion.noStream);

    const stale = await rejectionOf(store.appendToStream('group-1', [newEvent()], ExpectedVersion.exact(0)));
    const missing = await rejectionOf(store.appendToStream('group-2', [newEvent()], ExpectedVersion.exact(0)));

    expect(stale).toBeInstanceOf(WrongExpectedVersionError);
    expect(stale).toMatchObject({ streamId: 'group-1', expected: ExpectedVersion.exact(0), actualVersion: 2 });
    expect(missing).toMatchObject({ streamId: 'group-2', actualVersion: 'no_stream' });
  });

  it('reads a missing stream as empty and maps revisions to versions both ways', async () => {
    await store.appendToStream('group-1', newEvents(5), ExpectedVersion.noStream);
    const versions = (events: RecordedEvent[]) => events.map((event) => event.streamVersion);

    expect(await store.readStream('nobody')).toEqual([]);
    expect(versions(await store.readStream('group-1', { fromVersion: 1, maxCount: 2 }))).toEqual([1, 2]);
    expect(versions(await store.readStream('group-1', { direction: 'backwards', maxCount: 2 }))).toEqual([4, 3]);
    expect(versions(await store.readStream('group-1', { direction: 'backwards', fromVersion: 1 }))).toEqual([1, 0]);
  });

  it('reads $all strictly after a position, without system events, at most maxCount', async () => {
    await store.appendToStream('group-1', [newEvent()], ExpectedVersion.noStream);
    client.writeSystemEvent();
    await store.appendToStream('group-1', newEvents(2), ExpectedVersion.exact(0));
    client.writeSystemEvent();
    await store.appendToStream('group-1', [newEvent()], ExpectedVersion.exact(2));
    const [first] = await store.readStream('group-1');

    const all = await store.readAll();
    const after = await store.readAll({ after: first?.globalPosition, maxCount: 2 });

    expect(all.map((event) => event.streamVersion)).toEqual([0, 1, 2, 3]);
    expect(after.map((event) => event.streamVersion)).toEqual([1, 2]);
    expect(await store.readAll({ after: all.at(-1)?.globalPosition })).toEqual([]);
  });

  it('subscribes after a position, skips system events, and stops although the source never ends', async () => {
    const checkpoint = (await store.appendToStream('group-1', [newEvent()], ExpectedVersion.noStream))
      .lastGlobalPosition;
    await store.appendToStream('group-1', [newEvent()], ExpectedVersion.exact(0));
    const delivered: number[] = [];

    const subscription = store.subscribeToAll({
      after: checkpoint,
      onEvent: async (event) => void delivered.push(event.streamVersion),
    });
    client.writeSystemEvent();
    await store.appendToStream('group-1', [newEvent()], ExpectedVersion.exact(1));

    await waitFor(() => delivered.length === 2, { timeoutMs: 2_000, description: 'the events after the checkpoint' });
    await subscription.stop();
    expect(delivered).toEqual([1, 2]);
  });

  it('closes without disposing a client it was given', async () => {
    await store.close();

    expect(client.disposed).toBe(false);
  });
});
