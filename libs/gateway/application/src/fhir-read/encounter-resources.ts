import type { Encounter } from '@medplum/fhirtypes';
import type { AttendanceRecorded, EventOf } from '@carecircle/contracts';
import { OutboundFhirSystems, staffReference } from '@carecircle/contracts';
import {
  fhirIdOf,
  metaOf,
  patientReference,
  payloadOf,
  type PatientIds,
  type StoredEvent,
} from './fhir-read-references';
import { groupDescription, SESSION_EVENT_TYPES } from './group-resources';

/** A member's attendance at one session (subject `mbr_…`, `payload.sessionId` the session). */
export const ATTENDANCE_EVENT_TYPES = ['AttendanceRecorded', 'AttendanceCorrected'] as const;

/** CPT 90853: group psychotherapy (other than of a multiple-family group), what a support-group session bills as. */
export const GROUP_PSYCHOTHERAPY = {
  system: 'http://www.ama-assn.org/go/cpt',
  code: '90853',
  display: 'Group psychotherapy (other than of a multiple-family group)',
} as const;
const ATTENDANCE_STATUS_SYSTEM = 'https://carecircle.example/fhir/CodeSystem/attendance-status';

type Attendance = EventOf<typeof AttendanceRecorded>['payload'];
type SessionFacts = { sessionId: string; startsAt: string; endsAt: string };

const bySeq = (a: StoredEvent, b: StoredEvent) => Number(a.seq) - Number(b.seq);

/** One member's attendance at one session: its events in order, the first (AttendanceRecorded) naming it. */
export interface AttendanceThread {
  memberId: string;
  sessionId: string;
  events: StoredEvent[];
}

/**
 * The attendance threads among these events. An Encounter's id is the event id of its first
 * AttendanceRecorded: opaque (a random UUID), stable across corrections, and without the pseudonymous
 * member id, which must never stand beside the EHR's Patient reference.
 */
export function attendanceThreads(events: readonly StoredEvent[]): AttendanceThread[] {
  const threads = new Map<string, AttendanceThread>();
  for (const event of [...events].sort(bySeq)) {
    if (!(ATTENDANCE_EVENT_TYPES as readonly string[]).includes(event.type)) continue;
    const { sessionId } = payloadOf<Attendance>(event);
    const key = `${event.subject} ${sessionId}`;
    const thread = threads.get(key);
    if (thread) thread.events.push(event);
    else if (event.type === 'AttendanceRecorded')
      threads.set(key, { memberId: event.subject, sessionId, events: [event] });
  }
  return [...threads.values()];
}

/**
 * A member's attendance at a group session as the EHR files it: one Encounter per member, the Patient as
 * subject. (R4 allows a Group subject, but EHRs file encounters, and CPT 90853 charges, on one patient's
 * chart, and their Encounter APIs take a Patient; a Group subject would also show every attendee on each
 * member's chart.) Attended: finished; absent or excused: cancelled, so a correction changes the status
 * rather than making an Encounter disappear. Participants are the group's facilitators; the period is the
 * session's; the Appointment is the group session.
 */
export function attendanceToEncounter(
  thread: AttendanceThread,
  events: readonly StoredEvent[],
  patientIds: PatientIds,
): Encounter {
  const [first] = thread.events;
  const latest = payloadOf<Attendance>(thread.events.at(-1)!);
  const sessionEvents = events
    .filter(
      (event) =>
        (SESSION_EVENT_TYPES as readonly string[]).includes(event.type) &&
        payloadOf<SessionFacts>(event).sessionId === thread.sessionId,
    )
    .sort(bySeq);
  const session = sessionEvents.at(-1) ? payloadOf<SessionFacts>(sessionEvents.at(-1)!) : undefined;
  const group = groupDescription(latest.groupId, events);
  const attended = latest.status === 'attended-in-person' || latest.status === 'attended-online';
  return {
    resourceType: 'Encounter',
    id: first!.eventId,
    meta: metaOf([...thread.events, ...sessionEvents]),
    status: attended ? 'finished' : 'cancelled',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [
      { coding: [GROUP_PSYCHOTHERAPY], text: 'Group psychotherapy' },
      { coding: [{ system: ATTENDANCE_STATUS_SYSTEM, code: latest.status }], text: latest.status.replace(/-/g, ' ') },
    ],
    serviceType: { text: 'Psychosocial support group session' },
    subject: patientReference(thread.memberId, patientIds),
    participant: (group?.description.facilitatorIds ?? []).map((id) => ({
      type: [
        {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
              code: 'PPRF',
              display: 'primary performer',
            },
          ],
        },
      ],
      individual: staffReference(id),
    })),
    appointment: [{ reference: `Appointment/${fhirIdOf(thread.sessionId)}` }],
    period: { start: session?.startsAt ?? latest.sessionStartsAt, ...(session ? { end: session.endsAt } : {}) },
    ...(group?.description.locationId
      ? {
          location: [
            {
              location: {
                type: 'Location' as const,
                identifier: { system: OutboundFhirSystems.location, value: group.description.locationId },
              },
            },
          ],
        }
      : {}),
  };
}
