import type { MedicationRequest, Patient, Resource } from '@medplum/fhirtypes';
import { fhirInputIssues, FHIR_ID_PATTERN } from '../fhir/fhir-input-rules';
import { validateFhirResource } from '../fhir/structure-validation';

/**
 * The prefetch templates every CareCircle CDS service declares (CDS Hooks 2.0 §Prefetch): the context
 * patient, to map it to a member (by id, else by its identifiers), and their active medication orders,
 * taken in like `POST /fhir/R4` so that the coordination rules know them.
 */
export const CDS_PREFETCH = {
  patient: 'Patient/{{context.patientId}}',
  medications: 'MedicationRequest?patient={{context.patientId}}&status=active',
} as const;

export type PrefetchKey = keyof typeof CDS_PREFETCH;

/** Discovery as clinician-liaison answers it, each service given the gateway's prefetch templates. */
export function withPrefetch(discovery: unknown): unknown {
  if (!discovery || typeof discovery !== 'object' || !Array.isArray((discovery as { services?: unknown }).services))
    return discovery;
  const services = (discovery as { services: unknown[] }).services.map((service) =>
    service && typeof service === 'object' ? { ...service, prefetch: { ...CDS_PREFETCH } } : service,
  );
  return { ...discovery, services };
}

/** The relative FHIR URL of a template for one patient: what is fetched from `fhirServer` when prefetch did not bring it. */
export function prefetchQuery(key: PrefetchKey, patientId: string): string {
  if (!FHIR_ID_PATTERN.test(patientId)) throw new Error('patientId must be a FHIR id');
  return CDS_PREFETCH[key].replace('{{context.patientId}}', encodeURIComponent(patientId));
}

export interface PatientData {
  patient?: Patient;
  medications?: MedicationRequest[];
}

export type PrefetchReading = { ok: true; data: PatientData; missing: PrefetchKey[] } | { ok: false; text: string };

/**
 * What the EHR prefetched (or what was fetched for it, same shape), checked as the ingest checks a
 * resource (R4 structure, required codes, CareCircle's input rules) and bound to the context patient:
 * a Patient of another id, or a medication of another subject, is refused rather than used. A key that
 * is absent or `null` (CDS Hooks: the client could not prefetch it) is `missing`.
 */
export function readPatientData(prefetch: unknown, patientId: string): PrefetchReading {
  if (prefetch !== undefined && prefetch !== null && (typeof prefetch !== 'object' || Array.isArray(prefetch)))
    return { ok: false, text: 'prefetch must be an object' };
  const given = (prefetch ?? {}) as Record<string, unknown>;
  const data: PatientData = {};
  const missing: PrefetchKey[] = [];
  const patient = given['patient'];
  if (patient === undefined || patient === null) missing.push('patient');
  else {
    const problem = resourceProblem(patient, 'Patient', 'prefetch.patient');
    if (problem) return { ok: false, text: problem };
    if ((patient as Patient).id !== patientId)
      return { ok: false, text: 'prefetch.patient is not the context patient' };
    data.patient = patient as Patient;
  }
  const medications = given['medications'];
  if (medications === undefined || medications === null) missing.push('medications');
  else {
    const read = medicationsOf(medications, patientId);
    if (typeof read === 'string') return { ok: false, text: read };
    data.medications = read;
  }
  return { ok: true, data, missing };
}

function medicationsOf(bundle: unknown, patientId: string): MedicationRequest[] | string {
  const entries = (bundle as { resourceType?: unknown; entry?: unknown }) ?? {};
  if (entries.resourceType !== 'Bundle') return 'prefetch.medications must be a FHIR Bundle';
  const list = entries.entry ?? [];
  if (!Array.isArray(list)) return 'prefetch.medications.entry must be an array';
  const found: MedicationRequest[] = [];
  for (const [index, entry] of list.entries()) {
    const resource = (entry as { resource?: unknown } | null)?.resource;
    // A search may carry an OperationOutcome (search mode outcome): only the MedicationRequests count.
    if ((resource as { resourceType?: unknown } | undefined)?.resourceType !== 'MedicationRequest') continue;
    const problem = resourceProblem(resource, 'MedicationRequest', `prefetch.medications.entry[${index}].resource`);
    if (problem) return problem;
    const request = resource as MedicationRequest;
    if (!request.id) return `prefetch.medications.entry[${index}].resource needs an id`;
    if (request.subject?.reference !== `Patient/${patientId}`)
      return `prefetch.medications.entry[${index}].resource is not the context patient's`;
    found.push(request);
  }
  return found;
}

/** The ingest's checks of one resource; the first problem's location, never a value (it may identify). */
function resourceProblem(value: unknown, type: 'Patient' | 'MedicationRequest', at: string): string | undefined {
  if (
    !value ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    (value as { resourceType?: unknown }).resourceType !== type
  )
    return `${at} must be a ${type}`;
  const issues = [...fhirInputIssues(value, at), ...validateFhirResource(value as Resource, at)];
  return issues.length > 0 ? `${at} is not valid FHIR R4 (${issues[0]!.expression ?? at})` : undefined;
}

/** The keys a Patient is known by in the identity vault: `Patient/<id>` first, then each `system|value` identifier. */
export function patientLookupKeys(
  patientId: string,
  patient: Patient | undefined,
): { reference: string; identifiers: string[] } {
  const identifiers = (patient?.identifier ?? []).flatMap((identifier) =>
    identifier.value ? [`${identifier.system ?? ''}|${identifier.value}`] : [],
  );
  return { reference: `Patient/${patientId}`, identifiers };
}
