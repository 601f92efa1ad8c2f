import type { AuditLog } from '@carecircle/gateway/application';
import type { Sql } from '@carecircle/gateway/read-models';
import type { Clock } from '@carecircle/shared-kernel';

/** What the care console's controllers need. */
export interface CareConsoleDeps {
  sql: Sql;
  audit: AuditLog;
  clock: Clock;
  services: { scheduling: string; clinicianLiaison: string; outcomes: string; enrollment: string };
  upstreamTimeoutMs: number;
  doseSessions: number;
}

export const CARE_CONSOLE_DEPS = Symbol('CARE_CONSOLE_DEPS');
