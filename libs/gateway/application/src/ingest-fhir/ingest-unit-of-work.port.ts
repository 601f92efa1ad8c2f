import type { EventStore } from '@carecircle/platform/event-store';
import type { MemberIdentities } from '../identity/member-identities.port';

export interface IngestTransaction {
  store: EventStore;
  identities: MemberIdentities;
}

/**
 * Runs one submission in one database transaction: identities and every member stream's append
 * commit together or not at all (a failed transaction Bundle leaves no trace). The adapter retries
 * the whole work when a concurrent writer got there first.
 */
export interface IngestUnitOfWork {
  run<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T>;
}
