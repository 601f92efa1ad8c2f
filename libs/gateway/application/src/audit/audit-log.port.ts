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

export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  /** Newest first. */
  list(filter: { memberId?: string; limit: number }): Promise<(AuditRecord & { id: string })[]>;
}
