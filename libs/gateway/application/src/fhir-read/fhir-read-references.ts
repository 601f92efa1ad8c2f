import type { Meta, Patient, Reference } from '@medplum/fhirtypes';
import { memberReference, type OutboundContext } from '@carecircle/contracts';
import type { TimelineSourceEvent } from '@carecircle/gateway/domain';

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
  return ehrId ? { reference: `Patient/${ehrId}`, type: 'Patient' } : memberReference(memberId);
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

/** How the gateway names the member (the EHR's Patient where it holds the identity) and the version it knows. */
export const outboundContextOf = (
  subject: { memberId: string; events: readonly StoredEvent[] },
  patientIds: PatientIds,
): OutboundContext => ({
  patient: patientReference(subject.memberId, patientIds),
  meta: metaOf(subject.events),
});

export const payloadOf = <Payload>(event: StoredEvent) => event.payload as Payload;
