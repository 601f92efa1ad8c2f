import type {
  AuditLog,
  FindMember,
  IdentityVault,
  ingestFhir,
  SmartTokenService,
  TokenBucketRateLimiter,
} from '@carecircle/gateway/application';
import type { Clock } from '@carecircle/shared-kernel';

/** What the gateway's controllers need from the outside world. */
export interface GatewayDeps {
  ingest: ReturnType<typeof ingestFhir>;
  tokens: SmartTokenService;
  audit: AuditLog;
  vault: IdentityVault;
  clock: Clock;
  /** EHR patient reference → member id, outside any ingest transaction (CDS Hooks context). */
  findMember: FindMember;
  /** Lookup keys (`system|value` identifiers) → member id: a CDS request's Patient known by its identifiers only. */
  findMemberByKeys: (lookupKeys: readonly string[]) => Promise<string | undefined>;
  rateLimiter: TokenBucketRateLimiter;
  /** clinician-liaison, which answers CDS Hooks behind the gateway. */
  cdsHooks: { upstreamUrl: string; timeoutMs: number };
  /** `GATEWAY_PUBLIC_URL`: the start of every absolute link the gateway writes, never the Host header. */
  baseUrl: string;
}

export const GATEWAY_DEPS = Symbol('GATEWAY_DEPS');
