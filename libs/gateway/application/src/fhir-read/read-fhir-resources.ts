import type { Resource } from '@medplum/fhirtypes';
import {
  alertToCommunication,
  alertToDetectedIssue,
  alertToEvaluationTask,
  alertToFlag,
  alertToTask,
  EVALUATION_TASK_SUFFIX,
  measureToObservation,
  type OutboundContext,
} from '@carecircle/contracts';
import { ALERT_EVENT_TYPES, foldAlerts, type FoldedAlert } from './alert-resources';
import { internalIdOf, outboundContextOf, type PatientIds, type StoredEvent } from './fhir-read-references';
import type { ReadableResourceType } from './fhir-search';
import {
  GROUP_EVENT_TYPES,
  groupIdsOfMember,
  groupToFhir,
  MEMBERSHIP_EVENT_TYPES,
  SESSION_EVENT_TYPES,
  sessionIdsOf,
  sessionToAppointment,
} from './group-resources';
import { foldMeasures, MEASURE_EVENT_TYPES } from './measure-observation';
import { ATTENDANCE_EVENT_TYPES, attendanceThreads, attendanceToEncounter } from './encounter-resources';

/** The payload fields the read side looks events up by (each has an index). */
export type PayloadKey = 'alertId' | 'measureId' | 'groupId' | 'sessionId';

/** The stored integration events, as the read side asks for them; both answer in the order received. */
export interface FhirEventSource {
  bySubjects(subjects: readonly string[], types: readonly string[]): Promise<StoredEvent[]>;
  byPayload(key: PayloadKey, values: readonly string[], types: readonly string[]): Promise<StoredEvent[]>;
  /** The kept events with these ids, of these types. */
  byEventIds(eventIds: readonly string[], types: readonly string[]): Promise<StoredEvent[]>;
}

export interface FhirReadPorts {
  events: FhirEventSource;
  /** The EHR Patient ids the identity vault holds for these members. */
  patientIds(memberIds: readonly string[]): Promise<PatientIds>;
  /** EHR `Patient/<id>` → member id, when the gateway knows the patient. */
  findMember(reference: string): Promise<string | undefined>;
}

/** Resources and the members they are about (for the audit record). */
export interface FhirReadResult {
  resources: Resource[];
  memberIds: string[];
}

type AlertMapper = (alert: FoldedAlert, context: OutboundContext) => (Resource | undefined)[];
const ALERT_MAPPERS: Partial<Record<ReadableResourceType, AlertMapper>> = {
  Communication: (alert, context) => [alertToCommunication(alert, context)],
  DetectedIssue: (alert, context) => [alertToDetectedIssue(alert, context)],
  Flag: (alert, context) => [alertToFlag(alert, context)],
  // Every alert asks to be acknowledged; a suicidal-ideation alert also orders the same-day evaluation.
  Task: (alert, context) => [alertToTask(alert, context), alertToEvaluationTask(alert, context)],
};

/** The alert a resource id belongs to: the evaluation Task's id is its alert's id with a suffix. */
const alertIdOf = (type: ReadableResourceType, id: string) =>
  type === 'Task' && id.endsWith(EVALUATION_TASK_SUFFIX) ? id.slice(0, -EVALUATION_TASK_SUFFIX.length) : id;

const unique = (values: readonly string[]) => [...new Set(values)];
const bySeq = (events: readonly StoredEvent[]) => [...events].sort((a, b) => Number(a.seq) - Number(b.seq));

/**
 * Reads and searches of what CareCircle produces, built at read time from the integration events the
 * gateway keeps (so always rebuildable, never a second copy to drift). Members become EHR Patient
 * references only here, at the edge.
 */
export function fhirReader(ports: FhirReadPorts) {
  const { events } = ports;

  async function alertResources(
    type: ReadableResourceType,
    alertEvents: StoredEvent[],
    onlyId?: string,
  ): Promise<FhirReadResult> {
    const alerts = foldAlerts(alertEvents);
    const patientIds = await ports.patientIds(unique(alerts.map((alert) => alert.memberId)));
    const map = ALERT_MAPPERS[type] as AlertMapper;
    const mapped = alerts.flatMap((alert) =>
      map(alert, outboundContextOf(alert, patientIds)).flatMap((resource) =>
        resource && (onlyId === undefined || resource.id === onlyId) ? [{ resource, memberId: alert.memberId }] : [],
      ),
    );
    return {
      resources: mapped.map((entry) => entry.resource),
      memberIds: unique(mapped.map((entry) => entry.memberId)),
    };
  }

  async function observations(measureEvents: StoredEvent[], onlyId?: string): Promise<FhirReadResult> {
    const measures = foldMeasures(measureEvents).filter(
      (measure) => onlyId === undefined || measure.rootMeasureId === onlyId,
    );
    const patientIds = await ports.patientIds(unique(measures.map((measure) => measure.memberId)));
    return {
      resources: measures.map((measure) => measureToObservation(measure, outboundContextOf(measure, patientIds))),
      memberIds: unique(measures.map((measure) => measure.memberId)),
    };
  }

  async function groups(groupIds: readonly string[]): Promise<FhirReadResult> {
    if (groupIds.length === 0) return { resources: [], memberIds: [] };
    const groupEvents = bySeq([
      ...(await events.bySubjects(groupIds, GROUP_EVENT_TYPES)),
      ...(await events.byPayload('groupId', groupIds, MEMBERSHIP_EVENT_TYPES)),
    ]);
    const resources = groupIds.flatMap((groupId) => groupToFhir(groupId, groupEvents) ?? []);
    const memberIds = resources.flatMap((group) =>
      (group.member ?? []).map((entry) => entry.entity.identifier?.value ?? ''),
    );
    return { resources, memberIds: unique(memberIds.filter(Boolean)) };
  }

  async function appointments(
    sessionEvents: StoredEvent[],
    memberIds: string[],
    onlyId?: string,
  ): Promise<FhirReadResult> {
    const groupIds = unique(sessionEvents.map((event) => (event.payload as { groupId: string }).groupId));
    const all = bySeq([
      ...sessionEvents,
      ...(groupIds.length > 0 ? await events.bySubjects(groupIds, GROUP_EVENT_TYPES) : []),
    ]);
    const sessionIds = sessionIdsOf(all).filter((id) => onlyId === undefined || id === onlyId);
    return { resources: sessionIds.flatMap((id) => sessionToAppointment(id, all) ?? []), memberIds };
  }

  /** One Encounter per member and session, from the members' attendance and the sessions' and groups' events. */
  async function encounters(attendanceEvents: StoredEvent[], onlyId?: string): Promise<FhirReadResult> {
    const threads = attendanceThreads(attendanceEvents).filter(
      (thread) => onlyId === undefined || thread.events[0]!.eventId === onlyId,
    );
    if (threads.length === 0) return { resources: [], memberIds: [] };
    const groupIds = unique(threads.map((thread) => (thread.events[0]!.payload as { groupId: string }).groupId));
    const context = await events.bySubjects(groupIds, [...SESSION_EVENT_TYPES, ...GROUP_EVENT_TYPES]);
    const memberIds = unique(threads.map((thread) => thread.memberId));
    const patientIds = await ports.patientIds(memberIds);
    return { resources: threads.map((thread) => attendanceToEncounter(thread, context, patientIds)), memberIds };
  }

  return {
    /** The resource of this type and id, or none. */
    async read(type: ReadableResourceType, id: string): Promise<FhirReadResult> {
      switch (type) {
        case 'Communication':
        case 'DetectedIssue':
        case 'Flag':
        case 'Task':
          return alertResources(type, await events.byPayload('alertId', [alertIdOf(type, id)], ALERT_EVENT_TYPES), id);
        case 'Observation': {
          // A correction joins its original's chain: fold the member's measures, keep this score.
          const subjects = unique(
            (await events.byPayload('measureId', [id], MEASURE_EVENT_TYPES)).map((event) => event.subject),
          );
          return subjects.length === 0
            ? { resources: [], memberIds: [] }
            : observations(await events.bySubjects(subjects, MEASURE_EVENT_TYPES), id);
        }
        case 'Group':
          return groups([internalIdOf(id)]);
        case 'Appointment':
          return appointments(
            await events.byPayload('sessionId', [internalIdOf(id)], SESSION_EVENT_TYPES),
            [],
            internalIdOf(id),
          );
        case 'Encounter': {
          // The id is the first AttendanceRecorded's event id: it names the member, whose attendance is then folded.
          const [recorded] = await events.byEventIds([id], ['AttendanceRecorded']);
          return recorded
            ? encounters(await events.bySubjects([recorded.subject], ATTENDANCE_EVENT_TYPES), id)
            : { resources: [], memberIds: [] };
        }
      }
    },

    /**
     * Everything of this type about the patient the EHR calls `reference`: nothing when the gateway
     * does not know the patient (an empty searchset, the same answer as for a known patient with
     * nothing recorded, so a search reveals no more than a read would).
     */
    async search(type: ReadableResourceType, reference: string): Promise<FhirReadResult> {
      const memberId = await ports.findMember(reference);
      if (!memberId) return { resources: [], memberIds: [] };
      const found = await searchOf(type, memberId);
      // The member searched for is named in the audit record even when nothing was found.
      return { ...found, memberIds: unique([memberId, ...found.memberIds]) };
    },
  };

  async function searchOf(type: ReadableResourceType, memberId: string): Promise<FhirReadResult> {
    switch (type) {
      case 'Communication':
      case 'DetectedIssue':
      case 'Flag':
      case 'Task':
        return alertResources(type, await events.bySubjects([memberId], ALERT_EVENT_TYPES));
      case 'Observation':
        return observations(await events.bySubjects([memberId], MEASURE_EVENT_TYPES));
      case 'Group':
        return groups(groupIdsOfMember(memberId, await events.bySubjects([memberId], ['MemberEnrolled'])));
      case 'Appointment': {
        const groupIds = groupIdsOfMember(memberId, await events.bySubjects([memberId], ['MemberEnrolled']));
        return groupIds.length === 0
          ? { resources: [], memberIds: [memberId] }
          : appointments(await events.bySubjects(groupIds, SESSION_EVENT_TYPES), [memberId]);
      }
      case 'Encounter':
        return encounters(await events.bySubjects([memberId], ATTENDANCE_EVENT_TYPES));
    }
  }
}

export type FhirReader = ReturnType<typeof fhirReader>;
