import { ruleOf, type AccessAction, type ActionRule } from './actions';
import type { Principal } from './principal';
import { scopeAllows } from './smart-scopes';

/** A member's relationships as the service's read model holds them; the policy decides which hold now. */
export interface MemberRelations {
  /** Care-team membership: from the EHR's CareTeam (with its period), Encounter participants or the admin route. */
  careTeam: readonly { clinicianId: string; activeUntil: string | null }[];
  /** Facilitators of the groups the member is enrolled in now. */
  facilitatorIds: readonly string[];
  /** Break-the-glass access a clinician opened for a stated reason, until it expires. */
  emergencyAccess: readonly { clinicianId: string; expiresAt: string }[];
  /** The member withdrew from their last group: people's access ends (integration clients keep theirs). */
  withdrawn: boolean;
}

export type AccessResource =
  | { kind: 'member'; memberId: string; relations: MemberRelations }
  | { kind: 'group'; groupId: string; facilitatorIds: readonly string[] }
  /** The acting person's own things (their inbox, their sessions): `personId` is whose they are. */
  | { kind: 'self'; personId: string }
  | { kind: 'service' };

export type DenyReason =
  | 'no-principal'
  | 'role-not-allowed'
  | 'scope-not-granted'
  | 'not-on-care-team'
  | 'not-facilitator'
  | 'not-self'
  | 'member-withdrawn'
  | 'wrong-resource';

export type AccessDecision =
  | { effect: 'allow' }
  /** Allowed, but the minimum necessary: the facilitator's copy, without medication detail. */
  | { effect: 'allow-redacted' }
  | { effect: 'deny'; reason: DenyReason; message: string };

const MESSAGES: Record<DenyReason, string> = {
  'no-principal': 'The token names no role or scope CareCircle knows',
  'role-not-allowed': 'This action is not open to your role',
  'scope-not-granted': 'The access token’s scopes do not allow this action',
  'not-on-care-team': 'Only the member’s care team may do this',
  'not-facilitator': 'Only a facilitator of the member’s group may do this',
  'not-self': 'You may only see your own',
  'member-withdrawn': 'The member has withdrawn: access through the care team or a group has ended',
  'wrong-resource': 'This action does not apply to this resource',
};

const ALLOW: AccessDecision = { effect: 'allow' };
const ALLOW_REDACTED: AccessDecision = { effect: 'allow-redacted' };
const deny = (reason: DenyReason): AccessDecision => ({ effect: 'deny', reason, message: MESSAGES[reason] });

/**
 * The one access policy of CareCircle: the same function in every service and the gateway.
 * `now` decides which relationships still hold (care-team periods, emergency access); nothing else is read.
 */
export function decideAccess(
  principal: Principal | undefined,
  action: AccessAction,
  resource: AccessResource,
  now: Date,
): AccessDecision {
  const rule = ruleOf(action);
  if (!principal) return deny('no-principal');
  if (resource.kind !== rule.on) return deny('wrong-resource');
  switch (principal.kind) {
    case 'gateway':
      return rule.gateway ? ALLOW : deny('role-not-allowed');
    case 'system':
      if (rule.system === 'per-resource') return principal.scopes.length > 0 ? ALLOW : deny('scope-not-granted');
      return rule.system && scopeAllows(principal.scopes, rule.system[0], rule.system[1])
        ? ALLOW
        : deny('scope-not-granted');
    case 'person':
      if (
        resource.kind === 'member' &&
        resource.relations.withdrawn &&
        (principal.role === 'clinician' || principal.role === 'facilitator')
      ) {
        return deny('member-withdrawn');
      }
      switch (principal.role) {
        case 'admin':
          return rule.admin ? ALLOW : deny('role-not-allowed');
        case 'programme-lead':
          return rule.programmeLead ? ALLOW : deny('role-not-allowed');
        case 'clinician':
          return decideClinician(rule, principal.id, resource, now);
        case 'facilitator':
          return decideFacilitator(rule, principal.id, resource);
      }
  }
}

function decideClinician(rule: ActionRule, id: string, resource: AccessResource, now: Date): AccessDecision {
  switch (rule.clinician) {
    case undefined:
      return deny('role-not-allowed');
    case 'any':
      return ALLOW;
    case 'self':
      return resource.kind === 'self' && resource.personId === id ? ALLOW : deny('not-self');
    case 'care-team':
      return resource.kind === 'member' && onCareTeamNow(resource.relations, id, now)
        ? ALLOW
        : deny('not-on-care-team');
  }
}

function decideFacilitator(rule: ActionRule, id: string, resource: AccessResource): AccessDecision {
  switch (rule.facilitator) {
    case undefined:
      return deny('role-not-allowed');
    case 'self':
      return resource.kind === 'self' && resource.personId === id ? ALLOW : deny('not-self');
    case 'facilitates':
    case 'facilitates-redacted': {
      const facilitates =
        (resource.kind === 'member' && resource.relations.facilitatorIds.includes(id)) ||
        (resource.kind === 'group' && resource.facilitatorIds.includes(id));
      if (!facilitates) return deny('not-facilitator');
      return rule.facilitator === 'facilitates' ? ALLOW : ALLOW_REDACTED;
    }
  }
}

/** On the care team now (no end, or an end still ahead), or holding emergency access that has not expired. */
export function onCareTeamNow(relations: MemberRelations, clinicianId: string, now: Date): boolean {
  const ahead = (at: string | null) => at === null || Date.parse(at) > now.getTime();
  return (
    relations.careTeam.some((member) => member.clinicianId === clinicianId && ahead(member.activeUntil)) ||
    relations.emergencyAccess.some((grant) => grant.clinicianId === clinicianId && ahead(grant.expiresAt))
  );
}

export function isAllowed(decision: AccessDecision): decision is { effect: 'allow' } | { effect: 'allow-redacted' } {
  return decision.effect !== 'deny';
}
