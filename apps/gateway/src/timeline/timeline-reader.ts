import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { principalAllows, principalOfReader } from '@carecircle/gateway/application';
import type { TimelineViewer } from '@carecircle/gateway/domain';
import { medicationSharingOf } from '@carecircle/gateway/read-models';
import { decideAccess } from '@carecircle/platform/access';
import { AccessContext } from '@carecircle/platform/service-kit';
import { GatewayAuthenticator, type Caller } from '../auth/gateway-authenticator';
import { auditBase } from '../fhir-http/access.guard';
import { TIMELINE_DEPS, type TimelineDeps } from './timeline.deps';

/** Who presents the token: a person (OIDC) or an integration client (SMART backend services). */
export type Reader = Caller;

/**
 * Authenticates timeline reads, decides access per member with the shared policy
 * (`member.timeline.read`) and audits every attempt: facilitators of the member's groups get the
 * facilitator view (minimum necessary), the care team now everything, programme leads and admins no
 * member timelines; SMART clients need `system/Patient.r`, and see treatment details only with
 * `system/MedicationRequest.r`.
 */
@Injectable()
export class TimelineReader {
  constructor(
    @Inject(TIMELINE_DEPS) private readonly deps: TimelineDeps,
    private readonly authenticator: GatewayAuthenticator,
    private readonly access: AccessContext,
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
    const relations = await this.access.relationships.memberRelations(memberId);
    const decision = decideAccess(
      principalOfReader(reader),
      'member.timeline.read',
      { kind: 'member', memberId, relations },
      this.deps.clock.now(),
    );
    if (decision.effect === 'deny') return undefined;
    if (
      decision.effect === 'allow' &&
      (reader.kind === 'human' ||
        principalAllows({ clientId: reader.id, scope: reader.scope }, 'MedicationRequest', 'r'))
    ) {
      return { role: 'clinician' };
    }
    return {
      role: 'facilitator',
      consentToShareMedication: (await medicationSharingOf(this.deps.sql, memberId)) === true,
    };
  }

  /** Who presents the request's bearer token (dev IdP, the configured OIDC issuer, or a SMART client), or undefined; not audited here. */
  authenticate(request: Request): Promise<Reader | undefined> {
    return this.authenticator.authenticate(request);
  }

  /** Who presents the request's token now (a live stream re-checks it for sign-out); not audited here. */
  reauthenticate(request: Request): Promise<Reader | undefined> {
    return this.authenticator.reauthenticate(request);
  }

  private audit(request: Request, agent: string, memberId: string, outcome: '0' | '4'): Promise<void> {
    return this.deps.audit.append({
      ...auditBase(request),
      recordedAt: this.deps.clock.now(),
      action: 'R',
      outcome,
      agent,
      resourceTypes: ['Timeline'],
      memberIds: [memberId],
    });
  }
}
