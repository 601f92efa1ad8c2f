import type { AuditLog, IdentityVault, ingestFhir, SmartTokenService } from '@carecircle/gateway/application';
import type { Clock } from '@carecircle/shared-kernel';

/** What the gateway's controllers need from the outside world. */
export interface GatewayDeps {
  ingest: ReturnType<typeof ingestFhir>;
  tokens: SmartTokenService;
  audit: AuditLog;
  vault: IdentityVault;
  clock: Clock;
}

export const GATEWAY_DEPS = Symbol('GATEWAY_DEPS');
