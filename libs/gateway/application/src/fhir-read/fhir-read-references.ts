import type { Meta, Patient, Practitioner, Reference } from '@medplum/fhirtypes';
import { CareCircleFhirSystems } from '@carecircle/contracts';
import type { TimelineSourceEvent } from '@carecircle/gateway/domain';

/**
 * Naming and code systems of outbound resources: the ones outcomes and clinician-liaison write too
 * (member, measure, instrument, alert, rule; from the contracts), and those only the read side needs.
 */
export const FhirReadSystems = {
  ...CareCircleFhirSystems,
  clinician: 'https://carecircle.example/fhir/NamingSystem/clinician-id',
  facilitator: 'https://carecircle.example/fhir/NamingSystem/facilitator-id',
  staff: 'https://carecircle.example/fhir/NamingSystem/staff-id',
  group: 'https://carecircle.example/fhir/NamingSystem/group-id',
  session: 'https://carecircle.example/fhir/NamingSystem/session-id',
  location: 'https://carecircle.example/fhir/NamingSystem/location-id',
  alertStep: 'https://carecircle.example/fhir/CodeSystem/alert-step',
  taskCode: 'https://carecircle.example/fhir/CodeSystem/task-code',
  groupCharacteristic: 'https://carecircle.example/fhir/CodeSystem/group-characteristic',
  sessionCancellation: 'https://carecircle.example/fhir/CodeSystem/session-cancellation-reason',
} as const;

/** One stored integration event as the read side sees it: the envelope, where it stands and when it was received. */
export type StoredEvent = TimelineSourceEvent & {
  /** Position in the gateway's store: orders events the way they were received. */
  seq: string;
  /** ISO instant the gateway received the event: the resource's `meta.lastUpdated`. */
  receivedAt: string;
};

/** Member id → the EHR's own Patient id, for the members whose identity the gateway holds. */
export type PatientIds = ReadonlyMap<string, string>;

/**
 * The member as the EHR knows them: `Patient/<EHR id>` when the identity vault holds it, otherwise a
 * logical reference by the pseudonymous member id that says it is one. Never both (that would hand
 * out the link between pseudonym and identity), never a name.
 */
export function patientReference(memberId: string, patientIds: PatientIds): Reference<Patient> {
  const ehrId = patientIds.get(memberId);
  return ehrId ? { reference: `Patient/${ehrId}`, type: 'Patient' } : { type: 'Patient', identifier: { system: FhirReadSystems.member, value: memberId } };
}

/** A clinician, facilitator or other staff member by pseudonymous id: a logical reference (no Practitioner is served here). */
export function staffReference(staffId: string): Reference<Practitioner> {
  const system = staffId.startsWith('clin_') ? FhirReadSystems.clinician : staffId.startsWith('fac_') ? FhirReadSystems.facilitator : FhirReadSystems.staff;
  return { type: 'Practitioner', identifier: { system, value: staffId } };
}

/**
 * Versions are honest about what the gateway knows: one version per stored event that shaped the
 * resource, last updated when the newest of them was received. (No history is kept beyond the events.)
 */
export function metaOf(events: readonly StoredEvent[]): Meta {
  const lastUpdated = events.map((event) => event.receivedAt).reduce((latest, at) => (at > latest ? at : latest), '');
  return { versionId: String(events.length), lastUpdated };
}

/**
 * FHIR ids allow `[A-Za-z0-9-.]` only, and CareCircle's group and session ids have underscores
 * (`grp_cancer_tuesday`). They never have dots, so `_` ↔ `.` maps them both ways without loss.
 */
export const fhirIdOf = (internalId: string) => internalId.replace(/_/g, '.');
export const internalIdOf = (fhirId: string) => fhirId.replace(/\./g, '_');

export const payloadOf = <Payload>(event: StoredEvent) => event.payload as Payload;
