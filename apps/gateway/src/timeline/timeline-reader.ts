import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { principalAllows } from '@carecircle/gateway/application';
import type { TimelineViewer } from '@carecircle/gateway/domain';
import { memberAccess } from '@carecircle/gateway/read-models';
import { GatewayAuthenticator, type Caller } from '../auth/gateway-authenticator';
import { auditBase } from '../fhir-http/access.guard';
import { TIMELINE_DEPS, type TimelineDeps } from './timeline.deps';

/** Who presents the token: a person (OIDC) or an integration client (SMART backend services). */
export type Reader = Caller;

/**
 * Authenticates timeline reads, decides access per member and audits every attempt:
 * facilitators see members of their groups (minimum necessary), clinicians members whose care team
 * they are on (everything), programme leads and admins no member timelines; SMART clients need
 * `system/Patient.r`, and see treatment details only with `system/MedicationRequest.r`.
 */
@Injectable()
export class TimelineReader {
  constructor(
    @Inject(TIMELINE_DEPS) private readonly deps: TimelineDeps,
    private readonly authenticator: GatewayAuthenticator,
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
    if (reader.kind === 'human' && (reader.role === 'programme-lead' || reader.role === 'admin')) return undefined; // cohort figures or the audit trail, never members
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
  authenticate(request: Request): Promise<Reader | undefined> {
    return this.authenticator.authenticate(request);
  }

  private audit(request: Request, agent: string, memberId: string, outcome: '0' | '4'): Promise<void> {
    return this.deps.audit.append({ ...auditBase(request), recordedAt: this.deps.clock.now(), action: 'R', outcome, agent, resourceTypes: ['Timeline'], memberIds: [memberId] });
  }
}
