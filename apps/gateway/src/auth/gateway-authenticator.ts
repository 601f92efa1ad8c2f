import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import { jwtVerify } from 'jose';
import type { CdsClient } from '@carecircle/gateway/application';
import { createLogger } from '@carecircle/platform/observability';
import { TIMELINE_DEPS, type TimelineDeps } from '../timeline/timeline.deps';
import { GATEWAY_AUTH, type GatewayAuth, type HumanIssuer } from './gateway-auth';
import { isHumanRole, ROLE_CLAIM, type HumanRole } from './human-roles';
import { OidcIssuerKeys } from './oidc-issuer-keys';

/** Who presents a token: a person (OIDC: the dev IdP or the configured issuer) or an integration client (SMART backend services). */
export type Caller = { kind: 'human'; id: string; role: HumanRole } | { kind: 'system'; id: string; scope: string; cdsClient?: CdsClient; expiresAt?: Date };

/** The routes where an EHR's own CDS Hooks JWT is accepted: a service invocation and its feedback. */
const CDS_SERVICE_PATH = /^\/cds-services\/[A-Za-z0-9._-]{1,64}(\/feedback)?$/;

/**
 * The gateway's one place for bearer tokens: its own SMART access tokens, the development issuer's
 * (only when `GATEWAY_DEV_IDP=true`) and the configured OpenID Connect issuer's (`GATEWAY_OIDC_*`,
 * role in `carecircle_role`). Answers who calls, or undefined; deciding and auditing is the caller's.
 */
@Injectable()
export class GatewayAuthenticator {
  private readonly humanIssuerKeys?: OidcIssuerKeys;
  private readonly logger = createLogger('gateway');
  /** One answer per request: guards and the proxy ask again, and an EHR's JWT (`jti`) is good for one use. */
  private readonly answered = new WeakMap<Request, Promise<Caller | undefined>>();

  constructor(
    @Inject(GATEWAY_AUTH) private readonly auth: GatewayAuth,
    private readonly moduleRef: ModuleRef,
  ) {
    if (auth.humanIssuer) this.humanIssuerKeys = new OidcIssuerKeys(auth.humanIssuer);
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
    return this.auth.humanIssuer && this.humanIssuerKeys ? this.verifyConfiguredIssuer(token, this.auth.humanIssuer, this.humanIssuerKeys, now) : undefined;
  }

  private async verifyConfiguredIssuer(token: string, issuer: HumanIssuer, keys: OidcIssuerKeys, now: Date): Promise<Caller | undefined> {
    const keySet = await keys.get().catch((error: unknown) => {
      this.logger.warn({ err: error }, 'The configured OIDC issuer’s keys are unavailable: its tokens are refused until they can be fetched');
      return undefined;
    });
    if (!keySet) return undefined;
    try {
      const { payload } = await jwtVerify(token, keySet, { issuer: issuer.issuer, audience: issuer.audience, currentDate: now });
      const role = payload[ROLE_CLAIM];
      if (typeof payload.sub !== 'string' || !isHumanRole(role)) return undefined;
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
