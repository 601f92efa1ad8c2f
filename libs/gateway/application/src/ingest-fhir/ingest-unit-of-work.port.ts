import type { EventStore } from '@carecircle/platform/event-store';
import type { MemberIdentities } from '../identity/member-identities.port';

/** The sealed staff directory, written with the submission (a refused transaction leaves no name behind). */
export interface StaffNames {
  /** Keeps the name the EHR gave a staff member, sealed, unless the directory already names them. */
  recordIfUnnamed(staffId: string, name: string): Promise<void>;
}

export interface IngestTransaction {
  store: EventStore;
  identities: MemberIdentities;
  staffNames: StaffNames;
}

/**
 * Runs one submission in one database transaction: identities and every member stream's append
 * commit together or not at all (a failed transaction Bundle leaves no trace). The adapter retries
 * the whole work when a concurrent writer got there first.
 */
export interface IngestUnitOfWork {
  run<T>(work: (tx: IngestTransaction) => Promise<T>): Promise<T>;
}
