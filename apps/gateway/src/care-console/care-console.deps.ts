import type { AuditLog, IdentityVault } from '@carecircle/gateway/application';

import type { Clock } from '@carecircle/shared-kernel';
import { type Sql } from '@carecircle/platform/event-store';

/** What the care console's controllers need. */
export interface CareConsoleDeps {
  sql: Sql;
  audit: AuditLog;
  /** Opens members' sealed identities and the staff directory's names: only for names the caller may read. */
  vault: IdentityVault;
  /** The development sign-in is on: its demo users' synthetic names go into the staff directory. */
  devIdp: boolean;
  clock: Clock;
  services: { scheduling: string; clinicianLiaison: string; outcomes: string; enrollment: string };
  upstreamTimeoutMs: number;
  doseSessions: number;
}

export const CARE_CONSOLE_DEPS = Symbol('CARE_CONSOLE_DEPS');
