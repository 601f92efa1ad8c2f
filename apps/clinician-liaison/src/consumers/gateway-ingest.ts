import { ACUTE_DISTRESS_CODING } from '@carecircle/contracts';
import type {
  CareTeamRole,
  ExternalFact,
  MedicationClassification,
  MedicationOrder,
} from '@carecircle/clinician-liaison/domain';
import {
  classifyMedication,
  dailyDoseOf,
  UNKNOWN_EHR_PRESCRIBER,
  type DosageTiming,
} from '@carecircle/clinician-liaison/domain';

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
  dose?: { value: number; unit?: string | undefined } | undefined;
  /** The first dosage's timing (repeat or code), when the EHR sent one. */
  timing?: DosageTiming | undefined;
  /** The prescriber's pseudonymous staff id (MedicationRequest.requester), when the EHR named one. */
  requesterId?: string | undefined;
}): MedicationIntent {
  const medicationId = gatewayMedicationId(payload.resourceId);
  if (payload.intent !== undefined && NOT_AN_ORDER.has(payload.intent)) return { kind: 'ignore' };
  if (STOPPED.has(payload.status)) return { kind: 'stop', medicationId };
  if (!ACTIVE.has(payload.status)) return { kind: 'ignore' };
  const rxnorm = payload.medication.codes.filter((c) => c.system === RXNORM_SYSTEM);
  // A CodeableConcept may carry several codings (product and ingredient): the first one the table knows wins.
  const classified = rxnorm
    .map((coding) => ({ coding, classification: classifyMedication({ rxnormCode: coding.code }) }))
    .find((c) => c.classification.status === 'classified');
  const coding = classified?.coding ?? rxnorm[0] ?? payload.medication.codes[0];
  const classification = classified?.classification ?? classifyMedication({ rxnormCode: rxnorm[0]?.code ?? null });
  // One administration's dose × administrations a day; unknown (null, with what was sent) when either is missing.
  const fentanyl = classification.status === 'classified' && classification.ingredient === 'fentanyl';
  const daily = dailyDoseOf(payload.dose, payload.timing, { ratePerHour: fentanyl });
  const order: MedicationOrder = {
    rxnormCode: classified?.coding.code ?? rxnorm[0]?.code ?? null,
    name: coding?.display ?? coding?.code ?? 'uncoded medication',
    dailyDose: daily.kind === 'known' ? daily.dailyDose : null,
    doseUnit: daily.doseUnit,
    route: 'unknown',
    frequency: daily.frequency,
    prescriberId: payload.requesterId ?? UNKNOWN_EHR_PRESCRIBER,
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
  /** The planned end: the participant's period end, else the team's, else none. */
  activeUntil: string | null;
}

interface Period {
  start?: string | undefined;
  end?: string | undefined;
}

/** A FHIR dateTime as an instant; a bare date ends at the close of that day (UTC), a partial one is ignored. */
export function periodEnd(period: Period | undefined): string | null {
  const end = period?.end;
  if (!end) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(end)) return new Date(`${end}T23:59:59.999Z`).toISOString();
  const parsed = Date.parse(end);
  return /T/.test(end) && Number.isFinite(parsed) ? new Date(parsed).toISOString() : null;
}

/** Participants with a clinician id and a role this service knows; one assignment per mapped role. */
export function careTeamAssignments(payload: {
  period?: Period | undefined;
  participants: { roles: Coding[]; clinician?: string | undefined; period?: Period | undefined }[];
}): CareTeamAssignment[] {
  const out = new Map<string, CareTeamAssignment>();
  for (const participant of payload.participants) {
    const clinicianId = participant.clinician;
    if (!clinicianId || !STAFF_ID.test(clinicianId)) continue;
    const activeUntil = periodEnd(participant.period) ?? periodEnd(payload.period);
    for (const coding of participant.roles) {
      const role = coding.system === SNOMED_SYSTEM ? ROLES[coding.code] : undefined;
      if (role) out.set(`${clinicianId}|${role}`, { clinicianId, role, activeUntil });
    }
  }
  return [...out.values()];
}

/** The care-team role an encounter's participants take: the encounter carries no occupation code. */
export const ENCOUNTER_ROLE: CareTeamRole = 'physician';
/** FHIR Encounter statuses in which the participants are treating the member now. */
const ENCOUNTER_ONGOING = new Set(['arrived', 'triaged', 'in-progress', 'onleave']);
/** Statuses that end the participants' part (discharge, cancellation, an encounter that never was). */
const ENCOUNTER_OVER = new Set(['finished', 'cancelled', 'entered-in-error']);

export type EncounterIntent = { kind: 'assign' | 'end'; assignments: CareTeamAssignment[] } | { kind: 'ignore' };

/**
 * An encounter's participants join the care team while it is under way, until its (or their) period
 * ends; a finished or cancelled encounter ends those assignments. Planned and unknown statuses grant nothing.
 */
export function encounterIntent(payload: {
  status: string;
  period?: Period | undefined;
  participants?: { clinician: string; period?: Period | undefined }[] | undefined;
}): EncounterIntent {
  const byClinician = new Map<string, CareTeamAssignment>();
  for (const participant of payload.participants ?? []) {
    if (!STAFF_ID.test(participant.clinician)) continue;
    const activeUntil = periodEnd(participant.period) ?? periodEnd(payload.period);
    byClinician.set(participant.clinician, { clinicianId: participant.clinician, role: ENCOUNTER_ROLE, activeUntil });
  }
  const assignments = [...byClinician.values()];
  if (assignments.length === 0) return { kind: 'ignore' };
  if (ENCOUNTER_ONGOING.has(payload.status)) return { kind: 'assign', assignments };
  if (ENCOUNTER_OVER.has(payload.status)) return { kind: 'end', assignments };
  return { kind: 'ignore' };
}

/** A care team no longer in force ends the memberships it names. */
export const careTeamEnded = (status: string | undefined) => status === 'inactive' || status === 'entered-in-error';

const LOINC_SYSTEM = 'http://loinc.org';
/** PHQ-9 item 9, "thoughts that you would be better off dead or of hurting yourself" (0-3). */
export const PHQ9_ITEM9_LOINC = '44260-8';
/** Observation statuses that carry a result to act on (preliminary and cancelled ones do not). */
const RESULT_STATUSES = new Set(['final', 'amended', 'corrected']);

/** A FHIR date/dateTime as an ISO instant (a bare or partial date starts its period, UTC); unusable → the fallback. */
export function fhirInstant(value: string | undefined, fallback: string): string {
  const partial =
    value && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(value) ? `${value}-01-01`.slice(0, 10) + 'T00:00:00.000Z' : undefined;
  const parsed = Date.parse(partial ?? value ?? '');
  return new Date(Number.isFinite(parsed) ? parsed : Date.parse(fallback)).toISOString();
}

/**
 * A PHQ-9 item 9 Observation (LOINC 44260-8) with a result status and an answer 0-3: the same fact the
 * item inside a QuestionnaireResponse gives (through outcomes' MeasureRecorded). Anything else: null.
 */
export function item9Observation(
  payload: { status: string; codes: Coding[]; value?: { value: number } | undefined; effective?: string | undefined },
  occurredAt: string,
): { kind: 'item9-answered'; item9: number; at: string } | null {
  if (!RESULT_STATUSES.has(payload.status)) return null;
  if (!payload.codes.some((c) => c.system === LOINC_SYSTEM && c.code === PHQ9_ITEM9_LOINC)) return null;
  const item9 = payload.value?.value;
  if (item9 === undefined || !Number.isInteger(item9) || item9 < 0 || item9 > 3) return null;
  return { kind: 'item9-answered', item9, at: fhirInstant(payload.effective, occurredAt) };
}

/**
 * SNOMED CT codes that make a CarePlan palliative: 736373009 "Palliative care plan" (the care-plan
 * category) and 103735009 "Palliative care" (the regime/therapy some EHRs use as category).
 */
export const PALLIATIVE_CATEGORIES = new Set(['736373009', '103735009']);

/** CarePlan intents that are a plan of care in force (proposal and option are not). */
const CARE_PLAN_INTENTS = new Set(['plan', 'order', 'directive']);

/** The plan id of a gateway CarePlan: every revision of one resource is the same plan. */
export const gatewayCarePlanId = (resourceId: string) => `gw-careplan-${resourceId}`;

/**
 * An active palliative CarePlan (plan or order, not a proposal) starts the member's palliative plan, as
 * liaison's REST `POST palliative-plans` does; its goals of care are free text and stay in the EHR.
 */
export function palliativePlanIntent(payload: {
  resourceId: string;
  status: string;
  intent: string;
  categories: Coding[];
}): { kind: 'start'; planId: string } | { kind: 'ignore' } {
  if (payload.status !== 'active' || !CARE_PLAN_INTENTS.has(payload.intent)) return { kind: 'ignore' };
  const palliative = payload.categories.some((c) => c.system === SNOMED_SYSTEM && PALLIATIVE_CATEGORIES.has(c.code));
  return palliative ? { kind: 'start', planId: gatewayCarePlanId(payload.resourceId) } : { kind: 'ignore' };
}

/** The acute-distress coding (a CareCircle coordination fact): in a Flag's or an Observation's codes. */
const isDistress = (codes: Coding[]) =>
  codes.some((c) => c.system === ACUTE_DISTRESS_CODING.system && c.code === ACUTE_DISTRESS_CODING.code);

type DistressFact = Extract<ExternalFact, { kind: 'distress-reported' }>;

/** The report id of an EHR resource: every revision (and every resend) of one Flag or Observation is one report. */
export const gatewayDistressReportId = (resourceId: string) => `gw:${resourceId}`;

/**
 * An active Flag coded acute distress is a report of acute distress (no group: the EHR saw it). Its period's
 * start is when; inactive and entered-in-error Flags report nothing. Anything else: null.
 */
export function distressFlag(
  payload: { resourceId: string; status: string; codes: Coding[]; period?: Period | undefined },
  occurredAt: string,
): DistressFact | null {
  if (payload.status !== 'active' || !isDistress(payload.codes)) return null;
  return {
    kind: 'distress-reported',
    groupId: null,
    at: fhirInstant(payload.period?.start, occurredAt),
    reportId: gatewayDistressReportId(payload.resourceId),
    source: 'ehr-flag',
  };
}

/**
 * An Observation coded acute distress with a result status (final, amended, corrected) and a positive value
 * or none (its presence is the finding). A zero value, or a preliminary/cancelled one, reports nothing.
 */
export function distressObservation(
  payload: {
    resourceId: string;
    status: string;
    codes: Coding[];
    value?: { value: number } | undefined;
    effective?: string | undefined;
  },
  occurredAt: string,
): DistressFact | null {
  if (!RESULT_STATUSES.has(payload.status) || !isDistress(payload.codes)) return null;
  if (payload.value !== undefined && !(payload.value.value > 0)) return null;
  return {
    kind: 'distress-reported',
    groupId: null,
    at: fhirInstant(payload.effective, occurredAt),
    reportId: gatewayDistressReportId(payload.resourceId),
    source: 'ehr-observation',
  };
}

/** Palliative care as a Condition code: SNOMED CT 103735009 "Palliative care", ICD-10(-CM) Z51.5 "Encounter for palliative care". */
const PALLIATIVE_CONDITION = (c: Coding) =>
  (c.system === SNOMED_SYSTEM && c.code === '103735009') ||
  (/^http:\/\/hl7\.org\/fhir\/sid\/icd-10(-cm)?$/.test(c.system ?? '') && c.code.replace('.', '') === 'Z515');
const CONDITION_ACTIVE = new Set(['active', 'recurrence', 'relapse']);
const CONDITION_OVER = new Set(['inactive', 'remission', 'resolved']);
const CONDITION_WRONG = new Set(['refuted', 'entered-in-error']);

/**
 * A Condition coded palliative care puts the member in the palliative cohort while it is active (and not
 * refuted or entered in error), and takes them out when it is over. Not a palliative-care transition (that is a
 * plan started or goals of care changed): it alerts no one. Other Conditions, or no clinical status: null.
 */
export function palliativeCondition(
  payload: {
    resourceId: string;
    clinicalStatus?: string | undefined;
    verificationStatus?: string | undefined;
    codes: Coding[];
  },
  occurredAt: string,
): Extract<ExternalFact, { kind: 'palliative-condition' }> | null {
  if (!payload.codes.some(PALLIATIVE_CONDITION)) return null;
  const conditionId = `gw-condition-${payload.resourceId}`;
  const wrong = payload.verificationStatus !== undefined && CONDITION_WRONG.has(payload.verificationStatus);
  if (wrong || (payload.clinicalStatus !== undefined && CONDITION_OVER.has(payload.clinicalStatus)))
    return { kind: 'palliative-condition', conditionId, active: false, at: occurredAt };
  if (payload.clinicalStatus !== undefined && CONDITION_ACTIVE.has(payload.clinicalStatus))
    return { kind: 'palliative-condition', conditionId, active: true, at: occurredAt };
  return null;
}
