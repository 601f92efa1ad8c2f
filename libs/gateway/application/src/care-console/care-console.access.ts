/**
 * Who may see and do what in the care console (DOMAIN.md, minimum necessary): a facilitator their own
 * groups and the members of those groups, in the facilitator version; a clinician the members whose care
 * team they are on, in full; a programme lead cohort figures only, never a member or a group. The care
 * console is for people: integration clients use FHIR. Pure: the facts are looked up by the caller.
 */

/** Who presents the token, as the gateway's authenticator reports it. */
export type ConsoleReader = { kind: 'human'; id: string; role: string } | { kind: 'system'; id: string; scope: string };

/** What the gateway knows about who may see a member (from the events it consumed). */
export interface MemberAccessFacts {
  facilitatorIds: readonly string[];
  clinicianIds: readonly string[];
  consentToShareMedication: boolean;
}

/** The version of clinical data a reader gets: facilitators the minimum-necessary one. */
export type ConsoleView = 'facilitator' | 'clinician';

export type Denial = { allowed: false; status: 401 | 403; reason: string };
export type Decision<T extends object = object> = ({ allowed: true } & T) | Denial;

const UNAUTHENTICATED: Denial = { allowed: false, status: 401, reason: 'A valid bearer access token is required' };
const NOT_FOR_SYSTEMS: Denial = { allowed: false, status: 403, reason: 'The care console is for people; integration clients use the FHIR API' };
const LEAD_NO_MEMBERS: Denial = { allowed: false, status: 403, reason: 'Programme leads see cohort figures, never members or groups' };

function person(reader: ConsoleReader | undefined): Denial | { id: string; role: string } {
  if (!reader) return UNAUTHENTICATED;
  if (reader.kind !== 'human') return NOT_FOR_SYSTEMS;
  return { id: reader.id, role: reader.role };
}

/** A facilitator of one of the member's groups (facilitator view) or on the member's care team (full view). */
export function decideMemberAccess(reader: ConsoleReader | undefined, facts: MemberAccessFacts): Decision<{ view: ConsoleView }> {
  const who = person(reader);
  if ('allowed' in who) return who;
  if (who.role === 'clinician' && facts.clinicianIds.includes(who.id)) return { allowed: true, view: 'clinician' };
  if (who.role === 'facilitator' && facts.facilitatorIds.includes(who.id)) return { allowed: true, view: 'facilitator' };
  if (who.role === 'programme-lead') return LEAD_NO_MEMBERS;
  return { allowed: false, status: 403, reason: 'Only the member’s facilitators and care team may see this member' };
}

/** Only a group's own facilitators see its roster and sessions and take its attendance. */
export function decideGroupAccess(reader: ConsoleReader | undefined, groupFacilitatorIds: readonly string[]): Decision {
  const who = person(reader);
  if ('allowed' in who) return who;
  if (who.role === 'facilitator' && groupFacilitatorIds.includes(who.id)) return { allowed: true };
  if (who.role === 'programme-lead') return LEAD_NO_MEMBERS;
  return { allowed: false, status: 403, reason: 'Only the group’s facilitators may see its roster and take attendance' };
}

/** Cohort reports (aggregates with small cells suppressed) are the programme lead's. */
export function decideCohortAccess(reader: ConsoleReader | undefined): Decision {
  const who = person(reader);
  if ('allowed' in who) return who;
  return who.role === 'programme-lead' ? { allowed: true } : { allowed: false, status: 403, reason: 'Cohort reports are for programme leads' };
}

/** Whose home a person gets; anything else has none. */
export function decideHome(reader: ConsoleReader | undefined): Decision<{ role: 'facilitator' | 'clinician' | 'programme-lead'; id: string }> {
  const who = person(reader);
  if ('allowed' in who) return who;
  if (who.role === 'facilitator' || who.role === 'clinician' || who.role === 'programme-lead') return { allowed: true, role: who.role, id: who.id };
  return { allowed: false, status: 403, reason: 'This role has no care-console home' };
}
