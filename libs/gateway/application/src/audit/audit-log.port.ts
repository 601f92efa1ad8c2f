/** One access to clinical data, allowed or denied: who, on whose behalf, what, which members, outcome, when, from where. */
export interface AuditRecord {
  recordedAt: Date;
  /** FHIR AuditEvent.action: C create, R read/search, U update, E execute (a Bundle). */
  action: 'C' | 'R' | 'U' | 'E';
  /** FHIR AuditEvent.outcome: 0 success, 4 minor failure (refused input, denied), 8 serious failure. */
  outcome: '0' | '4' | '8';
  /** The client id from the access token, or `anonymous`. */
  agent: string;
  onBehalfOf?: string;
  /** Method and route template, never the query string or body. */
  operation: string;
  resourceTypes: readonly string[];
  memberIds: readonly string[];
  sourceIp?: string;
}

/**
 * A stored audit row. Refusals (outcome 4) are counted: one row per minute, agent, operation, action,
 * resource types and member ids, with how many there were and when the last one came.
 */
export type StoredAuditRecord = AuditRecord & { id: string; count: number; lastRecordedAt?: Date };

export interface AuditLog {
  /** Allowed and failed accesses: one row each; refusals (outcome 4): counted into their minute's row. */
  append(record: AuditRecord): Promise<void>;
  /** Newest first. */
  list(filter: { memberId?: string; limit: number }): Promise<StoredAuditRecord[]>;
}
