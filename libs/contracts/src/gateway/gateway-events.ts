import { z } from 'zod';
import { defineEvent } from '../envelope';
import { Topics } from '../topics';

/**
 * Facts the gateway took in from the EHR over FHIR R4, one event per accepted resource version.
 * Pseudonymous and minimal: the subject is the member id, `resourceId` is a gateway-chosen UUID
 * (never the EHR's id), and payloads carry codes, statuses and instants only, no names or free text.
 * `revision` starts at 1; a changed version of the same resource is published again with the next one.
 * Clinicians travel as pseudonymous staff ids (`clin_…`, keyed hashes of the EHR's practitioner
 * references). A birth date travels only in `PatientRecorded`, for the services whose rules depend on an
 * age that has to be recomputed as time passes (a number of years would go stale). Fields added since version 1 are
 * optional (additive changes keep the schema version; consumers must not require them).
 */
const instant = z.string().datetime({ offset: true });
/** FHIR date, dateTime or instant, as sent (partial dates allowed). */
const fhirDateTime = z.string().regex(/^\d{4}(-\d{2}(-\d{2}(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?)?)?$/);
export const codingSchema = z.object({
  system: z.string().optional(),
  code: z.string().min(1),
  display: z.string().optional(),
});
const codings = z.array(codingSchema);
const period = z.object({ start: fhirDateTime.optional(), end: fhirDateTime.optional() });
const resource = { resourceId: z.string().uuid(), revision: z.number().int().positive() };
/** A pseudonymous staff id: never an EHR `Practitioner/…` reference (the relay refuses to publish one). */
export const staffIdSchema = z
  .string()
  .regex(/^clin_[A-Za-z0-9_-]{1,59}$/, 'must be a pseudonymous staff id (clin_…), never an EHR practitioner reference');

function ingestEvent<const Type extends string, Shape extends z.ZodRawShape>(type: Type, shape: Shape) {
  return defineEvent({
    type,
    schemaVersion: 1,
    topic: Topics.gatewayIngest,
    payload: z.object({ ...resource, ...shape }),
  });
}

/** ServiceRequest: a referral of the member to a support group. */
export const ReferralRequested = ingestEvent('ReferralRequested', {
  status: z.string(),
  intent: z.string(),
  codes: codings,
  reasonCodes: codings,
  authoredOn: fhirDateTime.optional(),
  /** Who requested the referral, when the EHR named a practitioner. */
  requesterId: staffIdSchema.optional(),
  /** The member's age in whole years at authoredOn (at ingest when absent), when the gateway knows the birth date. */
  ageAtReferral: z.number().int().min(0).max(150).optional(),
});

export const ConditionRecorded = ingestEvent('ConditionRecorded', {
  clinicalStatus: z.string().optional(),
  verificationStatus: z.string().optional(),
  codes: codings,
  onset: fhirDateTime.optional(),
  abatement: fhirDateTime.optional(),
});

export const ConsentReceived = ingestEvent('ConsentReceived', {
  status: z.string(),
  scope: codings,
  categories: codings,
  provision: z.enum(['permit', 'deny']).optional(),
  period: period.optional(),
  dateTime: fhirDateTime.optional(),
});

/** Only coded and numeric answers travel; free-text answers stay in the gateway. */
export const QuestionnaireAnswered = ingestEvent('QuestionnaireAnswered', {
  questionnaire: z.string().optional(),
  status: z.string(),
  authored: fhirDateTime.optional(),
  answers: z.array(z.object({ linkId: z.string(), value: z.union([z.number(), z.boolean(), codingSchema]) })),
});

/** Observations with an in-scope code (survey instruments), e.g. a PHQ-9 total score. */
export const ObservationRecorded = ingestEvent('ObservationRecorded', {
  status: z.string(),
  codes: codings,
  value: z.object({ value: z.number(), unit: z.string().optional() }).optional(),
  effective: fhirDateTime.optional(),
});

const medication = z.object({ codes: codings });
const dose = z.object({ value: z.number(), unit: z.string().optional() });
/** Added (optional): the first dosage's `Timing` (repeat frequency/period/periodUnit, or its code), for the daily dose. */
const timing = z.object({
  frequency: z.number().int().positive().optional(),
  frequencyMax: z.number().int().positive().optional(),
  period: z.number().nonnegative().optional(),
  periodUnit: z.string().optional(),
  code: z.string().optional(),
});

export const MedicationOrdered = ingestEvent('MedicationOrdered', {
  status: z.string(),
  intent: z.string(),
  medication,
  dose: dose.optional(),
  timing: timing.optional(),
  authoredOn: fhirDateTime.optional(),
  /** The prescriber, when the EHR named a practitioner. */
  requesterId: staffIdSchema.optional(),
});

export const MedicationStatementRecorded = ingestEvent('MedicationStatementRecorded', {
  status: z.string(),
  medication,
  dose: dose.optional(),
  timing: timing.optional(),
  effective: period.optional(),
});

/** An appointment of the member (CBT, psychiatry, palliative visit): therapeutic load for scheduling. */
export const AppointmentBooked = ingestEvent('AppointmentBooked', {
  status: z.string(),
  serviceTypes: codings,
  start: instant.optional(),
  end: instant.optional(),
});

/** Participants are clinicians (staff ids and role codes), never the patient, relatives or organisations. */
export const CareTeamUpdated = ingestEvent('CareTeamUpdated', {
  status: z.string().optional(),
  categories: codings,
  /** Added in v1 (optional): the team's period; a participant's own period narrows it. */
  period: period.optional(),
  participants: z.array(z.object({ roles: codings, clinician: staffIdSchema.optional(), period: period.optional() })),
});

export const CarePlanUpdated = ingestEvent('CarePlanUpdated', {
  status: z.string(),
  intent: z.string(),
  categories: codings,
  period: period.optional(),
});

export const EncounterRecorded = ingestEvent('EncounterRecorded', {
  status: z.string(),
  class: codingSchema.optional(),
  types: codings,
  period: period.optional(),
  /** Added in v1 (optional): the clinicians taking part (staff ids), each with its period. */
  participants: z.array(z.object({ clinician: staffIdSchema, period: period.optional() })).optional(),
});

/** A RelatedPerson (caregiver, family member) of the member: relationship codes only. */
export const CaregiverLinked = ingestEvent('CaregiverLinked', {
  active: z.boolean().optional(),
  relationships: codings,
});

/**
 * Patient: only what coordination rules need. The birth date (FHIR date, partial allowed) lets a
 * service compute the age on the day a rule runs (the antidepressant boxed warning through 24, the
 * elderly threshold); names, identifiers, addresses and telecom stay in the gateway.
 */
export const PatientRecorded = ingestEvent('PatientRecorded', {
  active: z.boolean().optional(),
  birthDate: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
    .optional(),
  deceased: z.boolean().optional(),
});

/**
 * Flag: a standing caution the EHR raised about the member. `ACUTE_DISTRESS_CODING` in its codes is a
 * report of acute distress (the same fact a facilitator reports from a session).
 */
export const FlagRecorded = ingestEvent('FlagRecorded', {
  status: z.string(),
  categories: codings,
  codes: codings,
  period: period.optional(),
});

export const gatewayEvents = [
  ReferralRequested,
  ConditionRecorded,
  ConsentReceived,
  QuestionnaireAnswered,
  ObservationRecorded,
  MedicationOrdered,
  MedicationStatementRecorded,
  AppointmentBooked,
  CareTeamUpdated,
  CarePlanUpdated,
  EncounterRecorded,
  CaregiverLinked,
  PatientRecorded,
  FlagRecorded,
] as const;
