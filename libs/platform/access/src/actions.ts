import type { Interaction } from './smart-scopes';

/** What an action is about: one member, one group, the acting person themselves, or the service as a whole. */
export type ResourceKind = 'member' | 'group' | 'self' | 'service';

/**
 * Who may do an action. Absent means no. People are checked against relationships that hold now:
 * `care-team` (on the member's care team, or in an open emergency access), `facilitates` (of one of the
 * member's groups, or of the group itself). `redacted` answers allow-redacted: the facilitator's copy,
 * never medication detail.
 */
export interface ActionRule {
  on: ResourceKind;
  clinician?: 'care-team' | 'any' | 'self';
  facilitator?: 'facilitates' | 'facilitates-redacted' | 'self';
  programmeLead?: true;
  admin?: true;
  /**
   * SMART v2 `system/<Type>.<interaction>` an integration client needs; null: clients may not;
   * `per-resource`: the route serves many types and checks each one's scope itself (FHIR ingest and reads).
   */
  system: readonly [resourceType: string, interaction: Interaction] | 'per-resource' | null;
  /** The gateway acting for itself (no person behind it): only for data that is not about a member. */
  gateway?: true;
}

/**
 * Every action a route may declare, with who may do it. One table for the four services and the gateway,
 * so a reviewer reads the whole policy here. Names read `<resource>.<verb>`.
 */
export const ACCESS_ACTIONS = {
  // enrollment
  'referral.create': { on: 'service', clinician: 'any', system: ['ServiceRequest', 'c'] },
  'referral.read': { on: 'member', clinician: 'care-team', system: ['ServiceRequest', 'r'] },
  'referral.screen': { on: 'member', clinician: 'care-team', system: ['ServiceRequest', 'u'] },
  'consent.write': { on: 'member', clinician: 'care-team', system: ['Consent', 'u'] },
  'placement.write': { on: 'member', clinician: 'care-team', system: ['Group', 'u'] },
  'group.read': {
    on: 'group',
    clinician: 'any',
    facilitator: 'facilitates',
    programmeLead: true,
    system: ['Group', 'r'],
    gateway: true,
  },
  // scheduling
  'group.create': { on: 'service', programmeLead: true, system: ['Group', 'c'] },
  'group.manage': { on: 'group', programmeLead: true, facilitator: 'facilitates', system: ['Group', 'u'] },
  'group.roster.read': { on: 'group', facilitator: 'facilitates', system: ['Group', 'r'] },
  'group.calendar.read': {
    on: 'group',
    clinician: 'any',
    facilitator: 'facilitates',
    programmeLead: true,
    system: ['Appointment', 'r'],
    gateway: true,
  },
  'group.session.write': { on: 'group', facilitator: 'facilitates', system: ['Appointment', 'u'] },
  'group.attendance.write': { on: 'group', facilitator: 'facilitates', system: ['Encounter', 'u'] },
  // Session notes: free text about members; the group's facilitators see a session's, the care team a member's.
  'group.session-notes.read': { on: 'group', facilitator: 'facilitates', system: ['Encounter', 'r'] },
  'member.session-notes.read': { on: 'member', clinician: 'care-team', system: ['Encounter', 'r'] },
  'facilitator.sessions.read': { on: 'self', facilitator: 'self', system: ['Appointment', 'r'] },
  'member.contact.write': { on: 'member', clinician: 'care-team', system: ['Appointment', 'u'] },
  'member.load.read': { on: 'member', clinician: 'care-team', system: ['Appointment', 'r'] },
  // clinician-liaison
  'member.alerts.read': {
    on: 'member',
    clinician: 'care-team',
    facilitator: 'facilitates-redacted',
    system: ['Communication', 'r'],
  },
  'alert.act': {
    on: 'member',
    clinician: 'care-team',
    facilitator: 'facilitates-redacted',
    system: ['Communication', 'u'],
  },
  'alert.deliveries.read': { on: 'member', clinician: 'care-team', system: ['Communication', 'r'] },
  'clinician.inbox.read': { on: 'self', clinician: 'self', system: ['Communication', 'r'] },
  'member.communications.read': { on: 'member', clinician: 'care-team', system: ['Communication', 'r'] },
  'member.profile.write': { on: 'member', clinician: 'care-team', system: ['Patient', 'u'] },
  'member.medication.write': { on: 'member', clinician: 'care-team', system: ['MedicationRequest', 'u'] },
  // Drugs and doses: never a facilitator's (minimum necessary).
  'member.medications.read': { on: 'member', clinician: 'care-team', system: ['MedicationStatement', 'r'] },
  'member.treatment-plan.write': { on: 'member', clinician: 'care-team', system: ['CarePlan', 'u'] },
  'care-team.write': { on: 'member', admin: true, system: ['CareTeam', 'u'] },
  // A facilitator reports what they saw in a session (acute distress); the care team may too.
  'member.distress.report': { on: 'member', clinician: 'care-team', facilitator: 'facilitates', system: ['Flag', 'c'] },
  'member.emergency-access.open': { on: 'member', clinician: 'any', system: null },
  // Cards are the coordination findings (DetectedIssue); feedback acknowledges them.
  'cds.invoke': { on: 'service', system: ['DetectedIssue', 'r'] },
  'cds.feedback': { on: 'service', system: ['DetectedIssue', 'u'] },
  // outcomes
  'member.measure.write': {
    on: 'member',
    clinician: 'care-team',
    facilitator: 'facilitates',
    system: ['Observation', 'c'],
  },
  'member.measure.correct': { on: 'member', clinician: 'care-team', system: ['Observation', 'u'] },
  'member.outcomes.read': {
    on: 'member',
    clinician: 'care-team',
    facilitator: 'facilitates',
    system: ['Observation', 'r'],
  },
  'cohort.read': { on: 'service', programmeLead: true, system: ['MeasureReport', 'r'] },
  // gateway
  'member.timeline.read': {
    on: 'member',
    clinician: 'care-team',
    facilitator: 'facilitates-redacted',
    system: ['Patient', 'r'],
  },
  // A member's name, opened from the sealed identity for whoever may see the member at all.
  'member.name.read': { on: 'member', clinician: 'care-team', facilitator: 'facilitates', system: ['Patient', 'r'] },
  'console.home.read': { on: 'self', clinician: 'self', facilitator: 'self', programmeLead: true, system: null },
  'fhir.ingest': { on: 'service', system: 'per-resource' },
  'fhir.read': { on: 'service', system: 'per-resource' },
  'audit.read': { on: 'service', admin: true, system: ['AuditEvent', 'r'] },
  'operations.manage': { on: 'service', admin: true, system: null },
} as const satisfies Record<string, ActionRule>;

export type AccessAction = keyof typeof ACCESS_ACTIONS;

export function isAccessAction(value: unknown): value is AccessAction {
  return typeof value === 'string' && Object.hasOwn(ACCESS_ACTIONS, value);
}

export function ruleOf(action: AccessAction): ActionRule {
  return ACCESS_ACTIONS[action];
}
