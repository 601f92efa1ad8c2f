import type { CareTeamRole, MedicationClassification, MedicationOrder } from '@carecircle/clinician-liaison/domain';
import { classifyMedication } from '@carecircle/clinician-liaison/domain';

/**
 * Pure mappings from the gateway's FHIR-derived ingest payloads to this service's commands.
 * Nothing here logs: payloads are pseudonymous, but codes and doses stay out of logs all the same.
 */
export const RXNORM_SYSTEM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const SNOMED_SYSTEM = 'http://snomed.info/sct';

interface Coding {
  system?: string;
  code: string;
  display?: string;
}

/** The gateway's resource ids are UUIDs; the medication id is derived so every revision lands on the same medication. */
export const gatewayMedicationId = (resourceId: string) => `gw-${resourceId}`;

/** For an EHR order that names no practitioner: alerts for "the prescriber" go to this placeholder id. */
export const GATEWAY_PRESCRIBER = 'ehr-prescriber-unknown';

/** FHIR MedicationRequest/MedicationStatement statuses that end the medication. */
const STOPPED = new Set(['stopped', 'cancelled', 'completed', 'entered-in-error']);
/** Statuses that mean the member takes (or is to take) it now. Others (draft, on-hold, intended, not-taken, unknown) are ignored. */
const ACTIVE = new Set(['active']);
/** MedicationRequest intents that are not an actual order. */
const NOT_AN_ORDER = new Set(['proposal', 'plan']);

export type MedicationIntent =
  | { kind: 'start'; medicationId: string; order: MedicationOrder; classification: MedicationClassification }
  | { kind: 'stop'; medicationId: string }
  | { kind: 'ignore' };

/** Deterministic in the payload: the same resource revision always maps to the same intent. */
export function medicationIntent(payload: {
  resourceId: string;
  revision?: number;
  status: string;
  intent?: string;
  medication: { codes: Coding[] };
  dose?: { value: number; unit?: string } | undefined;
  /** The prescriber's pseudonymous staff id (MedicationRequest.requester), when the EHR named one. */
  requesterId?: string | undefined;
}): MedicationIntent {
  const medicationId = gatewayMedicationId(payload.resourceId);
  if (payload.intent !== undefined && NOT_AN_ORDER.has(payload.intent)) return { kind: 'ignore' };
  if (STOPPED.has(payload.status)) return { kind: 'stop', medicationId };
  if (!ACTIVE.has(payload.status)) return { kind: 'ignore' };
  const rxnorm = payload.medication.codes.filter((c) => c.system === RXNORM_SYSTEM);
  // A CodeableConcept may carry several codings (product and ingredient): the first one the table knows wins.
  const classified = rxnorm.map((coding) => ({ coding, classification: classifyMedication({ rxnormCode: coding.code }) })).find((c) => c.classification.status === 'classified');
  const coding = classified?.coding ?? rxnorm[0] ?? payload.medication.codes[0];
  const classification = classified?.classification ?? classifyMedication({ rxnormCode: rxnorm[0]?.code ?? null });
  const order: MedicationOrder = {
    rxnormCode: classified?.coding.code ?? rxnorm[0]?.code ?? null,
    name: coding?.display ?? coding?.code ?? 'uncoded medication',
    // The payload carries one administration's dose and no timing: the daily total (and so MME) is unknown.
    dailyDose: null,
    doseUnit: payload.dose ? `${payload.dose.value} ${payload.dose.unit ?? 'unit'} per dose` : 'unknown',
    route: 'unknown',
    frequency: 'unknown',
    prescriberId: payload.requesterId ?? GATEWAY_PRESCRIBER,
  };
  return { kind: 'start', medicationId, order, classification };
}

/** SNOMED CT occupation codes this service can map to its care-team roles; anything else is ignored. */
const ROLES: Readonly<Record<string, CareTeamRole>> = {
  '80584001': 'attending-psychiatrist', // Psychiatrist
  '309343006': 'physician', // Physician
};
/** The gateway names clinicians by pseudonymous staff id (`clin_…`), the same id a clinician signs in with. */
const STAFF_ID = /^clin_[A-Za-z0-9_-]{1,59}$/;

export interface CareTeamAssignment {
  clinicianId: string;
  role: CareTeamRole;
}

/** Participants with a clinician id and a role this service knows; one assignment per mapped role. */
export function careTeamAssignments(payload: { participants: { roles: Coding[]; clinician?: string | undefined }[] }): CareTeamAssignment[] {
  const out = new Map<string, CareTeamAssignment>();
  for (const participant of payload.participants) {
    const clinicianId = participant.clinician;
    if (!clinicianId || !STAFF_ID.test(clinicianId)) continue;
    for (const coding of participant.roles) {
      const role = coding.system === SNOMED_SYSTEM ? ROLES[coding.code] : undefined;
      if (role) out.set(`${clinicianId}|${role}`, { clinicianId, role });
    }
  }
  return [...out.values()];
}

/** A care team no longer in force ends the memberships it names. */
export const careTeamEnded = (status: string | undefined) => status === 'inactive' || status === 'entered-in-error';
