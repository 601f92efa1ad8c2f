import {
  CareTeamMemberAssigned,
  CareTeamMemberEnded,
  EmergencyAccessOpened,
  GroupChanged,
  GroupFormed,
  MemberEnrolled,
  MemberWithdrew,
  Topics,
  type IntegrationEvent,
} from '@carecircle/contracts';

/**
 * What the access policy needs to know, as facts drawn from authoritative integration events only:
 * scheduling's facilitator assignment, enrollment's enrolments and withdrawals, clinician-liaison's
 * care team (itself fed by the EHR's CareTeam and Encounter participants and the admin route) and
 * break-the-glass. Who prescribed, referred or received an alert never grants access.
 */
export type RelationshipFact =
  | { kind: 'group-facilitators'; groupId: string; facilitatorIds: readonly string[] }
  | { kind: 'group-member'; groupId: string; memberId: string; present: boolean; at: string }
  | {
      kind: 'care-team';
      memberId: string;
      clinicianId: string;
      role: string;
      present: boolean;
      activeUntil: string | null;
    }
  | { kind: 'emergency-access'; memberId: string; clinicianId: string; expiresAt: string };

/** The topics the relationship read model consumes. */
export const RELATIONSHIP_TOPICS = [Topics.scheduling, Topics.enrollment, Topics.clinicianLiaison] as const;

const SOURCES = [
  GroupFormed,
  GroupChanged,
  MemberEnrolled,
  MemberWithdrew,
  CareTeamMemberAssigned,
  CareTeamMemberEnded,
  EmergencyAccessOpened,
];
const SOURCE_TYPES: ReadonlySet<string> = new Set(SOURCES.map((source) => source.type));

export function isRelationshipSource(type: string): boolean {
  return SOURCE_TYPES.has(type);
}

/**
 * The facts of one event (none for the many events that grant nothing). The event is parsed against its
 * contract first: a malformed source event throws rather than granting or ending access on a guess.
 */
export function relationshipFactsOf(raw: IntegrationEvent): RelationshipFact[] {
  switch (raw.type) {
    case GroupFormed.type:
    case GroupChanged.type: {
      const event = raw.type === GroupFormed.type ? GroupFormed.parse(raw) : GroupChanged.parse(raw);
      return [
        { kind: 'group-facilitators', groupId: event.payload.groupId, facilitatorIds: event.payload.facilitatorIds },
      ];
    }
    case MemberEnrolled.type: {
      const event = MemberEnrolled.parse(raw);
      return [
        {
          kind: 'group-member',
          groupId: event.payload.groupId,
          memberId: event.subject,
          present: true,
          at: event.payload.enrolledAt,
        },
      ];
    }
    case MemberWithdrew.type: {
      const event = MemberWithdrew.parse(raw);
      return [
        {
          kind: 'group-member',
          groupId: event.payload.groupId,
          memberId: event.subject,
          present: false,
          at: event.payload.withdrewAt,
        },
      ];
    }
    case CareTeamMemberAssigned.type: {
      const event = CareTeamMemberAssigned.parse(raw);
      const { clinicianId, role, activeUntil } = event.payload;
      return [{ kind: 'care-team', memberId: event.subject, clinicianId, role, present: true, activeUntil }];
    }
    case CareTeamMemberEnded.type: {
      const event = CareTeamMemberEnded.parse(raw);
      return [
        {
          kind: 'care-team',
          memberId: event.subject,
          clinicianId: event.payload.clinicianId,
          role: event.payload.role,
          present: false,
          activeUntil: null,
        },
      ];
    }
    case EmergencyAccessOpened.type: {
      const event = EmergencyAccessOpened.parse(raw);
      return [
        {
          kind: 'emergency-access',
          memberId: event.subject,
          clinicianId: event.payload.clinicianId,
          expiresAt: event.payload.expiresAt,
        },
      ];
    }
    default:
      return [];
  }
}
