import type { Meta, Patient, Practitioner, Reference } from '@medplum/fhirtypes';
import { CareCircleFhirSystems } from '../fhir-codes';

/**
 * Naming and code systems of the FHIR resources CareCircle writes: the shared ones (member, measure,
 * instrument, alert, rule) and those of staff, groups, sessions and alert steps.
 */
export const OutboundFhirSystems = {
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

/**
 * The member by pseudonymous id, a logical reference that says it is one. Only the gateway, which holds
 * EHR identities, may give `Patient/<EHR id>` instead (never both, never a name).
 */
export function memberReference(memberId: string): Reference<Patient> {
  return { type: 'Patient', identifier: { system: OutboundFhirSystems.member, value: memberId } };
}

/** A clinician, facilitator or other staff member by pseudonymous id: a logical reference (no Practitioner is served). */
export function staffReference(staffId: string): Reference<Practitioner> {
  const system = staffId.startsWith('clin_')
    ? OutboundFhirSystems.clinician
    : staffId.startsWith('fac_')
      ? OutboundFhirSystems.facilitator
      : OutboundFhirSystems.staff;
  return { type: 'Practitioner', identifier: { system, value: staffId } };
}

/** How the writer names the member, and the version it knows the resource at (the gateway's reads know one). */
export interface OutboundContext {
  patient: Reference<Patient>;
  meta?: Meta;
}
