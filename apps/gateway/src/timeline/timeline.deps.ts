import type { AuditLog, IdentityVault } from '@carecircle/gateway/application';

import type { Clock } from '@carecircle/shared-kernel';
import type { DevIdentityProvider } from '../web-ui/dev-identity-provider';
import { type Sql } from '@carecircle/platform/event-store';

/** What the timeline's controllers need. */
export interface TimelineDeps {
  sql: Sql;
  audit: AuditLog;
  clock: Clock;
  /** Opens the staff directory's names of the prescribers a reader may see (medication entries in full). */
  vault: IdentityVault;
  /** The development issuer, only when `GATEWAY_DEV_IDP=true`. */
  devIdp?: DevIdentityProvider;
  /** How often the live stream looks for new entries. */
  streamPollMs: number;
}

export const TIMELINE_DEPS = Symbol('TIMELINE_DEPS');
