import {
  decideAccess,
  principalOf,
  type AccessAction,
  type MemberRelations,
  type Principal,
} from '@carecircle/platform/access';

/**
 * Who may see and do what in the care console (DOMAIN.md, minimum necessary), decided by the one access
 * policy (libs/platform/access) that every service also runs: a facilitator their own groups and the
 * members of those groups, in the facilitator version; a clinician the members whose care team they are
 * on now, in full; a programme lead cohort figures only. The care console is for people: integration
 * clients use FHIR. Pure: the relationships are looked up by the caller.
 */

/** Who presents the token, as the gateway's authenticator reports it. */
export type ConsoleReader = { kind: 'human'; id: string; role: string } | { kind: 'system'; id: string; scope: string };

/** The version of clinical data a reader gets: facilitators the minimum-necessary one. */
export type ConsoleView = 'facilitator' | 'clinician';

export type Denial = { allowed: false; status: 401 | 403; reason: string };
export type Decision<T extends object = object> = ({ allowed: true } & T) | Denial;

const UNAUTHENTICATED: Denial = { allowed: false, status: 401, reason: 'A valid bearer access token is required' };
const NOT_FOR_SYSTEMS: Denial = {
  allowed: false,
  status: 403,
  reason: 'The care console is for people; integration clients use the FHIR API',
};
const LEAD_NO_MEMBERS: Denial = {
  allowed: false,
  status: 403,
  reason: 'Programme leads see cohort figures, never members or groups',
};

/** The policy's principal for a reader the gateway authenticated. */
export function principalOfReader(reader: ConsoleReader): Principal | undefined {
  return reader.kind === 'human'
    ? principalOf({ sub: reader.id, role: reader.role })
    : principalOf({ sub: reader.id, scope: reader.scope });
}

function person(
  reader: ConsoleReader | undefined,
): Denial | { id: string; role: string; principal: Principal | undefined } {
  if (!reader) return UNAUTHENTICATED;
  if (reader.kind !== 'human') return NOT_FOR_SYSTEMS;
  return { id: reader.id, role: reader.role, principal: principalOfReader(reader) };
}

function decided<T extends object>(decision: ReturnType<typeof decideAccess>, then: T): Decision<T> {
  return decision.effect === 'deny'
    ? { allowed: false, status: 403, reason: decision.message }
    : { allowed: true, ...then };
}

/** `action` on one member: a facilitator of one of the member's groups (facilitator view) or their care team now (full view). */
export function decideMemberAccess(
  reader: ConsoleReader | undefined,
  action: AccessAction,
  memberId: string,
  relations: MemberRelations,
  now: Date,
): Decision<{ view: ConsoleView }> {
  const who = person(reader);
  if ('allowed' in who) return who;
  if (who.role === 'programme-lead') return LEAD_NO_MEMBERS; // the policy says no too; this says why in their terms
  const view: ConsoleView = who.role === 'facilitator' ? 'facilitator' : 'clinician';
  return decided(decideAccess(who.principal, action, { kind: 'member', memberId, relations }, now), { view });
}

/** `action` on a group: its own facilitators see its roster and sessions and take its attendance. */
export function decideGroupAccess(
  reader: ConsoleReader | undefined,
  action: AccessAction,
  groupId: string,
  facilitatorIds: readonly string[],
  now: Date,
): Decision {
  const who = person(reader);
  if ('allowed' in who) return who;
  if (who.role === 'programme-lead') return LEAD_NO_MEMBERS;
  return decided(decideAccess(who.principal, action, { kind: 'group', groupId, facilitatorIds }, now), {});
}

/** Cohort reports (aggregates with small cells suppressed) are the programme lead's. */
export function decideCohortAccess(reader: ConsoleReader | undefined, now: Date): Decision {
  const who = person(reader);
  if ('allowed' in who) return who;
  return decided(decideAccess(who.principal, 'cohort.read', { kind: 'service' }, now), {});
}

/** Whose home a person gets; anything else has none. */
export function decideHome(
  reader: ConsoleReader | undefined,
  now: Date,
): Decision<{ role: 'facilitator' | 'clinician' | 'programme-lead'; id: string }> {
  const who = person(reader);
  if ('allowed' in who) return who;
  const decision = decideAccess(who.principal, 'console.home.read', { kind: 'self', personId: who.id }, now);
  if (decision.effect === 'deny') return { allowed: false, status: 403, reason: 'This role has no care-console home' };
  return { allowed: true, role: who.role as 'facilitator' | 'clinician' | 'programme-lead', id: who.id };
}
