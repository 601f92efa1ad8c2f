import type { Appointment, AppointmentParticipant, Group, GroupCharacteristic } from '@medplum/fhirtypes';
import type {
  EventOf,
  GroupChanged,
  GroupClosed,
  GroupFormed,
  MemberEnrolled,
  MemberWithdrew,
  SessionCancelled,
  SessionScheduled,
} from '@carecircle/contracts';
import { OutboundFhirSystems, staffReference } from '@carecircle/contracts';
import { fhirIdOf, metaOf, payloadOf, type StoredEvent } from './fhir-read-references';

/** Events about the group itself (subject `grp_…`). */
export const GROUP_EVENT_TYPES = ['GroupFormed', 'GroupChanged', 'GroupClosed'] as const;
/** Events about a member joining or leaving a group (subject the member, `payload.groupId` the group). */
export const MEMBERSHIP_EVENT_TYPES = ['MemberEnrolled', 'MemberWithdrew'] as const;
/** Events about one session of a group (subject `grp_…`, `payload.sessionId` the session). */
export const SESSION_EVENT_TYPES = ['SessionScheduled', 'SessionRescheduled', 'SessionCancelled'] as const;

type Description = EventOf<typeof GroupFormed>['payload'] | EventOf<typeof GroupChanged>['payload'];
type Closed = EventOf<typeof GroupClosed>['payload'];
type Enrolled = EventOf<typeof MemberEnrolled>['payload'];
type Withdrew = EventOf<typeof MemberWithdrew>['payload'];
type Session = EventOf<typeof SessionScheduled>['payload'];
type Cancelled = EventOf<typeof SessionCancelled>['payload'];

const has = (types: readonly string[], event: StoredEvent) => types.includes(event.type);
const bySeq = (a: StoredEvent, b: StoredEvent) => Number(a.seq) - Number(b.seq);

/** The group's latest description and its events; undefined before GroupFormed or GroupChanged has been received. */
export function groupDescription(
  groupId: string,
  events: readonly StoredEvent[],
): { description: Description; events: StoredEvent[] } | undefined {
  const own = events.filter((event) => has(GROUP_EVENT_TYPES, event) && event.subject === groupId).sort(bySeq);
  const described = own.filter((event) => event.type !== 'GroupClosed');
  const latest = described.at(-1);
  return latest ? { description: payloadOf<Description>(latest), events: own } : undefined;
}

const characteristic = (code: string, value: string): GroupCharacteristic => ({
  code: { coding: [{ system: OutboundFhirSystems.groupCharacteristic, code }] },
  valueCodeableConcept: {
    coding: [{ system: OutboundFhirSystems.groupCharacteristic, code: value }],
    text: value.replace(/-/g, ' '),
  },
  exclude: false,
});

/**
 * A support group as scheduling describes it, with its members. Members are listed by pseudonymous
 * member id only: a group roster is about several people, and reading one group must not tell the
 * reader who the others are in the EHR. (`member=Patient/<id>` finds a known patient's groups.)
 */
export function groupToFhir(groupId: string, events: readonly StoredEvent[]): Group | undefined {
  const described = groupDescription(groupId, events);
  if (!described) return undefined;
  const { description } = described;
  const closedEvent = described.events.find((event) => event.type === 'GroupClosed');
  const membershipEvents = events
    .filter((event) => has(MEMBERSHIP_EVENT_TYPES, event) && payloadOf<{ groupId: string }>(event).groupId === groupId)
    .sort(bySeq);
  const members = new Map<string, { start?: string; end?: string }>();
  for (const event of membershipEvents) {
    if (event.type === 'MemberEnrolled') members.set(event.subject, { start: payloadOf<Enrolled>(event).enrolledAt });
    else members.set(event.subject, { ...members.get(event.subject), end: payloadOf<Withdrew>(event).withdrewAt });
  }
  const closedAt = closedEvent ? payloadOf<Closed>(closedEvent).closedAt : undefined;
  const member = [...members.entries()].map(([memberId, period]) => ({
    entity: { type: 'Patient' as const, identifier: { system: OutboundFhirSystems.member, value: memberId } },
    period: {
      ...(period.start ? { start: period.start } : {}),
      ...((period.end ?? closedAt) ? { end: period.end ?? closedAt } : {}),
    },
    inactive: period.end !== undefined || closedAt !== undefined,
  }));
  return {
    resourceType: 'Group',
    id: fhirIdOf(groupId),
    meta: metaOf([...described.events, ...membershipEvents]),
    identifier: [{ system: OutboundFhirSystems.group, value: groupId }],
    active: !closedEvent,
    type: 'person',
    actual: true,
    code: {
      coding: [{ system: OutboundFhirSystems.groupCharacteristic, code: description.groupType }],
      text: `Support group: ${description.groupType.replace(/-/g, ' ')}`,
    },
    quantity: member.filter((entry) => !entry.inactive).length,
    characteristic: [
      ...(description.condition ? [characteristic('condition', description.condition)] : []),
      ...(description.stage ? [characteristic('stage', description.stage)] : []),
      characteristic('modality', description.modality),
      characteristic('openness', description.openness),
      characteristic('cadence', description.cadence),
      {
        code: { coding: [{ system: OutboundFhirSystems.groupCharacteristic, code: 'age' }] },
        valueRange: {
          low: { value: description.ageBand.min, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' },
          high: { value: description.ageBand.max, unit: 'a', system: 'http://unitsofmeasure.org', code: 'a' },
        },
        exclude: false,
      },
    ],
    ...(member.length > 0 ? { member } : {}),
  };
}

/** The groups a member was ever enrolled in, from their membership events. */
export function groupIdsOfMember(memberId: string, events: readonly StoredEvent[]): string[] {
  return [
    ...new Set(
      events
        .filter((event) => event.type === 'MemberEnrolled' && event.subject === memberId)
        .map((event) => payloadOf<Enrolled>(event).groupId),
    ),
  ];
}

/**
 * A group session. Participants are the group's facilitators and its location (by pseudonymous id); the
 * members are reached through `supportingInformation`, the Group, so that a session never lists who
 * else attends. Booked, or cancelled with the reason scheduling gave; the group's description events
 * count towards its version, since they change its participants.
 */
export function sessionToAppointment(sessionId: string, events: readonly StoredEvent[]): Appointment | undefined {
  const own = events
    .filter((event) => has(SESSION_EVENT_TYPES, event) && payloadOf<Session>(event).sessionId === sessionId)
    .sort(bySeq);
  const latest = own.at(-1);
  if (!latest) return undefined;
  const session = payloadOf<Session>(latest);
  const group = groupDescription(session.groupId, events);
  // The latest event decides: a cancelled session scheduled again is booked.
  const cancelled = latest.type === 'SessionCancelled' ? latest : undefined;
  const performer = {
    coding: [
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
        code: 'PPRF',
        display: 'primary performer',
      },
    ],
  };
  const participant: AppointmentParticipant[] = group
    ? [
        ...group.description.facilitatorIds.map((id) => ({
          type: [performer],
          actor: staffReference(id),
          required: 'required' as const,
          status: 'accepted' as const,
        })),
        ...(group.description.locationId
          ? [
              {
                actor: {
                  type: 'Location' as const,
                  identifier: { system: OutboundFhirSystems.location, value: group.description.locationId },
                },
                status: 'accepted' as const,
              },
            ]
          : []),
      ]
    : [{ type: [performer], status: 'needs-action' }];
  return {
    resourceType: 'Appointment',
    id: fhirIdOf(sessionId),
    meta: metaOf([...own, ...(group?.events ?? [])]),
    identifier: [{ system: OutboundFhirSystems.session, value: sessionId }],
    status: cancelled ? 'cancelled' : 'booked',
    ...(cancelled
      ? {
          cancelationReason: {
            coding: [{ system: OutboundFhirSystems.sessionCancellation, code: payloadOf<Cancelled>(cancelled).reason }],
          },
        }
      : {}),
    serviceType: [{ text: 'Psychosocial support group session' }],
    description: `Session ${session.sequence} of the group's course`,
    start: session.startsAt,
    end: session.endsAt,
    minutesDuration: Math.round((Date.parse(session.endsAt) - Date.parse(session.startsAt)) / 60_000),
    supportingInformation: [{ reference: `Group/${fhirIdOf(session.groupId)}` }],
    participant,
  };
}

/** The ids of the sessions among these events, in the order first received. */
export function sessionIdsOf(events: readonly StoredEvent[]): string[] {
  return [
    ...new Set(
      [...events]
        .sort(bySeq)
        .filter((event) => has(SESSION_EVENT_TYPES, event))
        .map((event) => payloadOf<Session>(event).sessionId),
    ),
  ];
}
