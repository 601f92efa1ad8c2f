import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Request } from 'express';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { principalAllows } from '@carecircle/gateway/application';
import type { TimelineViewer } from '@carecircle/gateway/domain';
import { memberAccess } from '@carecircle/gateway/read-models';
import { auditBase } from '../fhir-http/access.guard';
import { GATEWAY_DEPS, type GatewayDeps } from '../gateway.deps';
import { HUMAN_ROLES, ROLE_CLAIM, type HumanRole } from '../web-ui/dev-identity-provider';
import { TIMELINE_DEPS, type TimelineDeps } from './timeline.deps';

/** Who presents the token: a person (OIDC) or an integration client (SMART backend services). */
export type Reader = { kind: 'human'; id: string; role: HumanRole } | { kind: 'system'; id: string; scope: string };

/**
 * Authenticates timeline reads, decides access per member and audits every attempt:
 * facilitators see members of their groups (minimum necessary), clinicians members whose care team
 * they are on (everything), programme leads no member timelines; SMART clients need
 * `system/Patient.r`, and see treatment details only with `system/MedicationRequest.r`.
 */
@Injectable()
export class TimelineReader {
  private remoteJwks?: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    @Inject(TIMELINE_DEPS) private readonly deps: TimelineDeps,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** The reader's view of `memberId`, or a 401/403 (audited either way). */
  async authorize(request: Request, memberId: string): Promise<{ reader: Reader; viewer: TimelineViewer }> {
    const reader = await this.authenticate(request);
    if (!reader) {
      await this.audit(request, 'anonymous', memberId, '4');
      throw new UnauthorizedException('A valid bearer access token is required');
    }
    const viewer = await this.viewerFor(reader, memberId);
    if (!viewer) {
      await this.audit(request, reader.id, memberId, '4');
      throw new ForbiddenException('This reader may not see this member');
    }
    await this.audit(request, reader.id, memberId, '0');
    return { reader, viewer };
  }

  private async viewerFor(reader: Reader, memberId: string): Promise<TimelineViewer | undefined> {
    if (reader.kind === 'human' && reader.role === 'programme-lead') return undefined; // cohort figures, never members
    const access = await memberAccess(this.deps.sql, memberId);
    if (reader.kind === 'system') {
      if (!principalAllows({ clientId: reader.id, scope: reader.scope }, 'Patient', 'r')) return undefined;
      return principalAllows({ clientId: reader.id, scope: reader.scope }, 'MedicationRequest', 'r')
        ? { role: 'clinician' }
        : { role: 'facilitator', consentToShareMedication: access.consentToShareMedication };
    }
    if (reader.role === 'clinician') return access.clinicianIds.includes(reader.id) ? { role: 'clinician' } : undefined;
    return access.facilitatorIds.includes(reader.id) ? { role: 'facilitator', consentToShareMedication: access.consentToShareMedication } : undefined;
  }

  /** Who presents the request's bearer token (dev IdP, the configured OIDC issuer, or a SMART client), or undefined; not audited here. */
  async authenticate(request: Request): Promise<Reader | undefined> {
    const token = /^Bearer (\S+)$/i.exec(request.header('authorization') ?? '')?.[1];
    if (!token) return undefined;
    const now = this.deps.clock.now();
    const dev = await this.deps.devIdp?.verify(token, now);
    if (dev) return { kind: 'human', id: dev.sub, role: dev.role };
    const human = await this.verifyConfiguredIssuer(token, now);
    if (human) return human;
    const principal = await this.gateway().tokens.verify(token);
    return principal ? { kind: 'system', id: principal.clientId, scope: principal.scope } : undefined;
  }

  private async verifyConfiguredIssuer(token: string, now: Date): Promise<Reader | undefined> {
    const oidc = this.deps.oidc;
    if (!oidc) return undefined;
    this.remoteJwks ??= createRemoteJWKSet(new URL(oidc.jwksUrl));
    try {
      const { payload } = await jwtVerify(token, this.remoteJwks, { issuer: oidc.issuer, audience: oidc.audience, currentDate: now });
      const role = payload[ROLE_CLAIM];
      return typeof payload.sub === 'string' && HUMAN_ROLES.includes(role as HumanRole) ? { kind: 'human', id: payload.sub, role: role as HumanRole } : undefined;
    } catch {
      return undefined;
    }
  }

  private gateway(): GatewayDeps {
    return this.moduleRef.get<GatewayDeps>(GATEWAY_DEPS, { strict: false });
  }

  private audit(request: Request, agent: string, memberId: string, outcome: '0' | '4'): Promise<void> {
    return this.deps.audit.append({ ...auditBase(request), recordedAt: this.deps.clock.now(), action: 'R', outcome, agent, resourceTypes: ['Timeline'], memberIds: [memberId] });
  }
}
