import { waitFor } from '@carecircle/platform/testing';
import { migratedDatabase, uniqueName, type MigratedDatabase } from '../test-support/infrastructure';
import { PostgresRelayCheckpointStore } from './relay-checkpoint.store';

describe('PostgresRelayCheckpointStore', () => {
  let database: MigratedDatabase;
  let store: PostgresRelayCheckpointStore;

  beforeAll(async () => {
    database = await migratedDatabase('relay_checkpoint');
    store = new PostgresRelayCheckpointStore(database.dataSource);
  });

  afterAll(async () => {
    await database?.stop();
  });

  it('starts before the first position and stores what a successful batch advanced to', async () => {
    const name = uniqueName('relay');
    expect(await store.read(name)).toBeUndefined();
    expect(
      await store.withCheckpoint(name, async (position) => ({ result: position, advanceTo: 9_007_199_254_740_993n })),
    ).toEqual({ claimed: true, result: undefined });
    expect(await store.read(name)).toBe(9_007_199_254_740_993n);
  });

  it('keeps the position when the batch fails', async () => {
    const name = uniqueName('relay');
    await store.withCheckpoint(name, async () => ({ result: null, advanceTo: 5n }));
    await expect(store.withCheckpoint(name, async () => Promise.reject(new Error('broker down')))).rejects.toThrow(
      'broker down',
    );
    expect(await store.read(name)).toBe(5n);
  });

  it('lets one process hold a relay at a time; the other is told so instead of waiting', async () => {
    const name = uniqueName('relay');
    let release!: () => void;
    let holding = false;
    const first = store.withCheckpoint(name, async () => {
      holding = true;
      await new Promise<void>((resolve) => (release = resolve));
      return { result: 'first', advanceTo: 1n };
    });
    await waitFor(() => holding, { timeoutMs: 5_000, description: 'the first batch to hold the checkpoint' });
    expect(await store.withCheckpoint(name, async () => ({ result: 'second' }))).toEqual({ claimed: false });
    expect(await store.withCheckpoint(uniqueName('other-relay'), async () => ({ result: 'other' }))).toEqual({
      claimed: true,
      result: 'other',
    });
    release();
    expect(await first).toEqual({ claimed: true, result: 'first' });
    expect(await store.withCheckpoint(name, async (position) => ({ result: position }))).toEqual({
      claimed: true,
      result: 1n,
    });
  });
});
