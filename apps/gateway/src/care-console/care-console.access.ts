import { ForbiddenException, HttpException, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import {
  decideCohortAccess,
  decideGroupAccess,
  decideHome,
  decideMemberAccess,
  type AuditRecord,
  type ConsoleView,
  type Decision,
} from '@carecircle/gateway/application';
import type { AccessAction } from '@carecircle/platform/access';
import { AccessContext } from '@carecircle/platform/service-kit';
import { auditBase } from '../fhir-http/access.guard';
import { TimelineReader, type Reader } from '../timeline/timeline-reader';
import { CARE_CONSOLE_DEPS, type CareConsoleDeps } from './care-console.deps';

type Action = AuditRecord['action'];

/**
 * The console's gate: the timeline's authenticator says who calls, the pure decisions say what they may
 * do, and every attempt on clinical data, allowed or refused, lands in the audit trail before the
 * answer (and before any service is called).
 */
@Injectable()
export class CareConsoleAccess {
  constructor(
    @Inject(CARE_CONSOLE_DEPS) private readonly deps: CareConsoleDeps,
    private readonly reader: TimelineReader,
    private readonly access: AccessContext,
  ) {}

  /** The caller's home role, or 401/403 (refusals audited). Allowed, it is audited by what the home then reads. */
  async home(request: Request): Promise<{ role: 'facilitator' | 'clinician' | 'programme-lead'; id: string }> {
    const reader = await this.reader.authenticate(request);
    const decision = decideHome(reader, this.deps.clock.now());
    if (!decision.allowed) {
      await this.audit(request, reader, 'R', false, ['CareConsoleHome'], []);
      throw refusal(decision);
    }
    return { role: decision.role, id: decision.id };
  }

  /** The acting person's id (for the services' X-Clinician-Id), or 401/403, refusals audited. */
  async person(request: Request): Promise<string> {
    const reader = await this.reader.authenticate(request);
    const decision = decideHome(reader, this.deps.clock.now());
    if (!decision.allowed) {
      await this.audit(request, reader, 'U', false, ['Communication'], []);
      throw refusal(decision);
    }
    return decision.id;
  }

  /**
   * The caller's view of the member, audited under `resourceTypes`. `then` decides what this view may do
   * with the thing at hand (e.g. only one's own copy of an alert): audited once, with the final outcome.
   */
  async member(
    request: Request,
    memberId: string,
    accessAction: AccessAction,
    action: Action,
    resourceTypes: readonly string[],
    then?: (view: ConsoleView) => Decision,
  ): Promise<{ view: ConsoleView }> {
    const reader = await this.reader.authenticate(request);
    const relations = await this.access.relationships.memberRelations(memberId);
    const access = decideMemberAccess(reader, accessAction, memberId, relations, this.deps.clock.now());
    const decision = access.allowed && then ? then(access.view) : access;
    await this.audit(request, reader, action, decision.allowed, resourceTypes, [memberId]);
    if (!decision.allowed) throw refusal(decision);
    if (!access.allowed) throw refusal(access);
    return { view: access.view };
  }

  /**
   * Something done about the member in a service (a report, a write): decided like `member`, then `act`
   * runs, and the attempt is audited once with its true outcome: refused, failed (a service's 4xx is a
   * refusal, a 5xx or no answer a failure) or done.
   */
  async memberAct<T>(
    request: Request,
    memberId: string,
    accessAction: AccessAction,
    action: Action,
    resourceTypes: readonly string[],
    act: (view: ConsoleView) => Promise<T>,
    then?: (view: ConsoleView) => Decision,
  ): Promise<T> {
    const reader = await this.reader.authenticate(request);
    const relations = await this.access.relationships.memberRelations(memberId);
    const access = decideMemberAccess(reader, accessAction, memberId, relations, this.deps.clock.now());
    const decision = access.allowed && then ? then(access.view) : access;
    if (!decision.allowed || !access.allowed) {
      await this.audit(request, reader, action, false, resourceTypes, [memberId]);
      throw refusal(decision.allowed ? (access as Exclude<Decision, { allowed: true }>) : decision);
    }
    try {
      const done = await act(access.view);
      await this.audit(request, reader, action, true, resourceTypes, [memberId]);
      return done;
    } catch (error) {
      await this.audit(
        request,
        reader,
        action,
        error instanceof HttpException && error.getStatus() < 500 ? false : 'failed',
        resourceTypes,
        [memberId],
      );
      throw error;
    }
  }

  /**
   * A group's facilitator: `load` runs only once that is decided (it calls the services), and the access
   * is audited once, with its true outcome: with the members of what it loaded, or, when it fails (a
   * refused write, a service's 4xx, a failure), as a failure naming the members it had named so far.
   */
  async group<T>(
    request: Request,
    groupId: string,
    accessAction: AccessAction,
    action: Action,
    resourceTypes: readonly string[],
    load: (naming: (memberIds: readonly string[]) => void) => Promise<{ memberIds: readonly string[]; value: T }>,
  ): Promise<T> {
    const reader = await this.reader.authenticate(request);
    const facilitatorIds = await this.access.relationships.groupFacilitators(groupId);
    const decision = decideGroupAccess(reader, accessAction, groupId, facilitatorIds, this.deps.clock.now());
    if (!decision.allowed) {
      await this.audit(request, reader, action, false, resourceTypes, []);
      throw refusal(decision);
    }
    let named: readonly string[] = [];
    let loaded: { memberIds: readonly string[]; value: T };
    try {
      loaded = await load((memberIds) => (named = [...new Set([...named, ...memberIds])]));
    } catch (error) {
      await this.audit(
        request,
        reader,
        action,
        error instanceof HttpException && error.getStatus() < 500 ? false : 'failed',
        resourceTypes,
        named,
      );
      throw error;
    }
    await this.audit(request, reader, action, true, resourceTypes, loaded.memberIds);
    return loaded.value;
  }

  /**
   * Of these members, those whose names the caller may read (`member.name.read`: their facilitator or care
   * team now); the names opened are audited once, as a read of the members' Patient identity.
   */
  async membersNamedFor(request: Request, memberIds: readonly string[]): Promise<string[]> {
    if (memberIds.length === 0) return [];
    const reader = await this.reader.authenticate(request);
    const now = this.deps.clock.now();
    const allowed = (
      await Promise.all(
        [...new Set(memberIds)].map(async (memberId) => {
          const relations = await this.access.relationships.memberRelations(memberId);
          return decideMemberAccess(reader, 'member.name.read', memberId, relations, now).allowed ? [memberId] : [];
        }),
      )
    ).flat();
    if (allowed.length > 0) await this.audit(request, reader, 'R', true, ['Patient'], allowed);
    return allowed;
  }

  /** A programme lead: aggregates only, still audited. */
  async cohort(request: Request): Promise<void> {
    const reader = await this.reader.authenticate(request);
    const decision = decideCohortAccess(reader, this.deps.clock.now());
    await this.audit(request, reader, 'R', decision.allowed, ['CohortReport'], []);
    if (!decision.allowed) throw refusal(decision);
  }

  /** Who the audit trail names for this request: the caller's id, or `anonymous`. */
  async agentOf(request: Request): Promise<string> {
    return (await this.reader.authenticate(request))?.id ?? 'anonymous';
  }

  /** Records a read done on behalf of a home (the members it showed). */
  audited(
    request: Request,
    agent: string,
    resourceTypes: readonly string[],
    memberIds: readonly string[],
  ): Promise<void> {
    return this.deps.audit.append({
      ...auditBase(request),
      recordedAt: this.deps.clock.now(),
      action: 'R',
      outcome: '0',
      agent,
      resourceTypes,
      memberIds,
    });
  }

  /** `true` allowed and done, `false` refused (4xx), `'failed'` a serious failure (5xx, an upstream failure). */
  private audit(
    request: Request,
    reader: Reader | undefined,
    action: Action,
    allowed: boolean | 'failed',
    resourceTypes: readonly string[],
    memberIds: readonly string[],
  ): Promise<void> {
    const outcome = allowed === true ? '0' : allowed === false ? '4' : '8';
    return this.deps.audit.append({
      ...auditBase(request),
      recordedAt: this.deps.clock.now(),
      action,
      outcome,
      agent: reader?.id ?? 'anonymous',
      resourceTypes,
      memberIds,
    });
  }
}

function refusal(denial: Exclude<Decision, { allowed: true }>): HttpException {
  return denial.status === 401 ? new UnauthorizedException(denial.reason) : new ForbiddenException(denial.reason);
}
