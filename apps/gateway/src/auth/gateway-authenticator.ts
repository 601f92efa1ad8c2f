import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import { decodeJwt, jwtVerify } from 'jose';
import type { CdsClient } from '@carecircle/gateway/application';
import { createLogger } from '@carecircle/platform/observability';
import { TIMELINE_DEPS, type TimelineDeps } from '../timeline/timeline.deps';
import { GATEWAY_AUTH, type GatewayAuth, type HumanIssuer } from './gateway-auth';
import { roleFromClaims, type HumanRole } from './human-roles';
import { OidcIssuerKeys } from './oidc-issuer-keys';

/** Who presents a token: a person (OIDC: the dev IdP or the configured issuer) or an integration client (SMART backend services). */
export type Caller =
  | { kind: 'human'; id: string; role: HumanRole }
  | { kind: 'system'; id: string; scope: string; cdsClient?: CdsClient; expiresAt?: Date };

/** The routes where an EHR's own CDS Hooks JWT is accepted: a service invocation and its feedback. */
const CDS_SERVICE_PATH = /^\/cds-services\/[A-Za-z0-9._-]{1,64}(\/feedback)?$/;

/**
 * The gateway's one place for bearer tokens: its own SMART access tokens, the development issuer's
 * (only when `GATEWAY_DEV_IDP=true`), the configured OpenID Connect issuer's (`GATEWAY_OIDC_*`) and the
 * ID tokens a registered EHR issued to the console (`GATEWAY_SMART_EHRS`, SMART App Launch); a person's
 * role from the configured claim mapping. Answers who calls, or undefined; deciding and auditing is the caller's.
 */
@Injectable()
export class GatewayAuthenticator {
  private readonly humanIssuerKeys?: OidcIssuerKeys;
  /** Only registered EHRs, by their exact `iss`: a token naming any other issuer makes the gateway fetch nothing. */
  private readonly ehrIssuers = new Map<string, { issuer: HumanIssuer; keys: OidcIssuerKeys }>();
  private readonly logger = createLogger('gateway');
  /** One answer per request: guards and the proxy ask again, and an EHR's JWT (`jti`) is good for one use. */
  private readonly answered = new WeakMap<Request, Promise<Caller | undefined>>();

  constructor(
    @Inject(GATEWAY_AUTH) private readonly auth: GatewayAuth,
    private readonly moduleRef: ModuleRef,
  ) {
    if (auth.humanIssuer) this.humanIssuerKeys = new OidcIssuerKeys(auth.humanIssuer);
    for (const ehr of auth.smartEhrs) {
      // The EHR's ID token is issued to the console's client id there: that is its audience.
      const issuer = { issuer: ehr.iss, audience: ehr.clientId };
      this.ehrIssuers.set(ehr.iss, { issuer, keys: new OidcIssuerKeys(issuer) });
    }
  }

  /** The caller behind the request's `Authorization: Bearer` header, or undefined (none, invalid, expired, unknown issuer). */
  authenticate(request: Request): Promise<Caller | undefined> {
    let answer = this.answered.get(request);
    if (!answer) {
      answer = this.authenticateRequest(request);
      this.answered.set(request, answer);
    }
    return answer;
  }

  /** The caller as of now, asked again: a long-lived stream re-checks its token (sign-out) past the per-request answer. */
  reauthenticate(request: Request): Promise<Caller | undefined> {
    const answer = this.authenticateRequest(request);
    this.answered.set(request, answer);
    return answer;
  }

  private async authenticateRequest(request: Request): Promise<Caller | undefined> {
    const token = /^Bearer (\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
    if (!token) return undefined;
    // A registered EHR's JWT counts only where CDS Hooks sends it, and never falls through to another issuer.
    if (this.auth.cdsClients.claimedClient(token)) return this.authenticateCdsClient(token, request);
    return this.authenticateToken(token);
  }

  /** CDS Hooks 2.0: `aud` is the CDS service URL invoked, built from `GATEWAY_PUBLIC_URL`, never from the Host header. */
  private async authenticateCdsClient(token: string, request: Request): Promise<Caller | undefined> {
    const path = request.originalUrl.split('?')[0] ?? '';
    if (request.method !== 'POST' || !CDS_SERVICE_PATH.test(path)) return undefined;
    const verified = await this.auth.cdsClients.verify(token, `${this.auth.publicUrl}${path}`);
    if (!verified.ok) {
      this.logger.warn({ reason: verified.reason }, 'An EHR’s CDS Hooks JWT was refused');
      return undefined;
    }
    const { client, expiresAt } = verified;
    return { kind: 'system', id: client.clientId, scope: client.scope, cdsClient: client, expiresAt };
  }

  async authenticateToken(token: string): Promise<Caller | undefined> {
    const client = await this.auth.tokens.verify(token);
    if (client) return { kind: 'system', id: client.clientId, scope: client.scope };
    const now = this.auth.clock.now();
    const dev = await this.devIdp()?.verify(token, now);
    if (dev) return { kind: 'human', id: dev.sub, role: dev.role };
    if (this.auth.humanIssuer && this.humanIssuerKeys) {
      const person = await this.verifyConfiguredIssuer(token, this.auth.humanIssuer, this.humanIssuerKeys, now);
      if (person) return person;
    }
    const ehr = this.ehrIssuers.get(unverifiedIssuer(token) ?? '');
    return ehr ? this.verifyConfiguredIssuer(token, ehr.issuer, ehr.keys, now) : undefined;
  }

  private async verifyConfiguredIssuer(
    token: string,
    issuer: HumanIssuer,
    keys: OidcIssuerKeys,
    now: Date,
  ): Promise<Caller | undefined> {
    const keySet = await keys.get().catch((error: unknown) => {
      this.logger.warn(
        { err: error },
        'The configured OIDC issuer’s keys are unavailable: its tokens are refused until they can be fetched',
      );
      return undefined;
    });
    if (!keySet) return undefined;
    try {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: issuer.issuer,
        audience: issuer.audience,
        currentDate: now,
      });
      const role = roleFromClaims(payload, this.auth.roleMapping);
      if (typeof payload.sub !== 'string' || !role) return undefined;
      // A clinician whose token names their EHR practitioner (SMART `fhirUser`) is the staff id the ingest gave
      // that practitioner, so EHR care teams and orders find them; otherwise the issuer's subject is the id.
      const fhirUser = payload['fhirUser'];
      const staffId = role === 'clinician' && typeof fhirUser === 'string' ? this.auth.staffIdOf(fhirUser) : undefined;
      return { kind: 'human', id: staffId ?? payload.sub, role };
    } catch {
      return undefined;
    }
  }

  /** The development issuer lives with the timeline (its module makes it, its controller serves its endpoints). */
  private devIdp(): TimelineDeps['devIdp'] {
    return this.moduleRef.get<TimelineDeps>(TIMELINE_DEPS, { strict: false }).devIdp;
  }
}

/** The `iss` a token claims, to pick the registered EHR whose keys verify it; undefined for anything unreadable. */
function unverifiedIssuer(token: string): string | undefined {
  try {
    const { iss } = decodeJwt(token);
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}
