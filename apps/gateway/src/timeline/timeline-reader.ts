import { ForbiddenException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import type { TimelineViewer } from '@carecircle/gateway/domain';
import { GatewayAuthenticator, type Caller } from '../auth/gateway-authenticator';
import { auditBase } from '../fhir-http/access.guard';
import { timelineAccessFactsOf, timelineViewerOf } from './timeline-access-facts';
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
  ) {}

  /**
   * `read` run with the reader's view of `memberId`, or a 401/403 (audited either way). The access
   * facts are one statement; the audit row of an allowed read is written while `read` queries.
   */
  async read<T>(request: Request, memberId: string, read: (viewer: TimelineViewer) => Promise<T>): Promise<T> {
    const reader = await this.authenticate(request);
    if (!reader) {
      await this.audit(request, 'anonymous', memberId, '4');
      throw new UnauthorizedException('A valid bearer access token is required');
    }
    const facts = await timelineAccessFactsOf(this.deps.sql, memberId);
    const viewer = timelineViewerOf(reader, memberId, facts, this.deps.clock.now());
    if (!viewer) {
      await this.audit(request, reader.id, memberId, '4');
      throw new ForbiddenException('This reader may not see this member');
    }
    // Audit and query at once, but nothing is answered before the audit row is durable: a failed audit
    // fails the read (no unaudited read leaves), and a failed query still waits for its audit row.
    const [audited, answer] = await Promise.allSettled([this.audit(request, reader.id, memberId, '0'), read(viewer)]);
    if (audited.status === 'rejected') throw audited.reason;
    if (answer.status === 'rejected') throw answer.reason;
    return answer.value;
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
