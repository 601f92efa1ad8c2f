import { waitFor } from '@carecircle/platform/testing';
import { newEvent, uniqueStreamId } from '../contract/contract-fixtures';
import { runEventStoreContract } from '../contract/event-store.contract';
import { ExpectedVersion } from '../event-store.port';
import { KurrentDbEventStore } from './kurrentdb-event-store';
import {
  KURRENTDB_IMAGE,
  dockerEngineUnavailableReason,
  startKurrentDb,
  type RunningKurrentDb,
} from './kurrentdb-test-container';

const unavailable = dockerEngineUnavailableReason();

if (unavailable) {
  console.warn(
    `Skipping the KurrentDB event store contract: ${unavailable}. It runs under testcontainers (${KURRENTDB_IMAGE}) wherever a Docker engine is reachable.`,
  );
  describe.skip(`KurrentDB event store contract (skipped: ${unavailable})`, () => {
    it('needs a Docker engine', () => undefined);
  });
} else {
  let kurrentDb: RunningKurrentDb | undefined;

  beforeAll(async () => {
    kurrentDb = await startKurrentDb();
    const { connectionString } = kurrentDb;
    // Health answers before the node has become leader; wait until it takes a write.
    await waitFor(
      async () => {
        const probe = new KurrentDbEventStore(connectionString);
        try {
          return await probe.appendToStream(uniqueStreamId('ready'), [newEvent('Ready')], ExpectedVersion.noStream);
        } finally {
          await probe.close();
        }
      },
      { timeoutMs: 60_000, intervalMs: 500, description: 'KurrentDB to accept writes' },
    );
  }, 240_000);
  afterAll(async () => {
    await kurrentDb?.stop();
  });

  runEventStoreContract('KurrentDB', async () => {
    if (!kurrentDb) throw new Error('KurrentDB did not start');
    // A store built from a connection string owns its client and disposes it on close.
    return { store: new KurrentDbEventStore(kurrentDb.connectionString), cleanup: async () => undefined };
  });
}
