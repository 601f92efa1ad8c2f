import type { AuditLog, CdsClientTokens, SmartTokenService } from '@carecircle/gateway/application';
import type { Clock } from '@carecircle/shared-kernel';
import type { RoleMapping } from './human-roles';

/** A configured OpenID Connect issuer for people; without `jwksUrl` its discovery document names it. */
export interface HumanIssuer {
  issuer: string;
  audience: string;
  jwksUrl?: string;
}

/** An EHR registered to launch the console (SMART App Launch): its FHIR base URL and the console's client id there. */
export interface SmartEhr {
  iss: string;
  clientId: string;
}

/** What authentication needs, provided globally so that any module's controllers can use the AccessGuard. */
export interface GatewayAuth {
  tokens: SmartTokenService;
  /** EHRs' own CDS Hooks JWTs (`CDS_CLIENTS`), accepted only on `/cds-services/<id>` with `aud` that URL. */
  cdsClients: CdsClientTokens;
  /** `GATEWAY_PUBLIC_URL` (no trailing slash): the start of a CDS service's URL, the `aud` of the EHR's JWT. */
  publicUrl: string;
  audit: AuditLog;
  clock: Clock;
  humanIssuer?: HumanIssuer;
  /** How the configured issuer's and the EHRs' tokens name a person's role. */
  roleMapping: RoleMapping;
  /** EHRs whose ID tokens, issued to the console's client id there, name a person (SMART App Launch). */
  smartEhrs: readonly SmartEhr[];
  /** The pseudonymous staff id (`clin_…`) the ingest gives a practitioner reference, for a person's SMART `fhirUser` claim. */
  staffIdOf: (fhirUser: string) => string | undefined;
  /** The member an EHR `Patient/<id>` reference names, when the gateway knows the patient: for audit records of refusals. */
  memberOfPatient?: (reference: string) => Promise<string | undefined>;
}

export const GATEWAY_AUTH = Symbol('GATEWAY_AUTH');
