import { DRUG_CLASSES } from '@carecircle/shared-kernel';
import { z } from 'zod';
import { defineEvent } from '../envelope';
import { Topics } from '../topics';

/**
 * Clinician liaison's integration events. Subject: the member (`mbr_…`). No drug names, free-text
 * reasons or clinician contact details travel on the bus: ids, codes, classes and, for a medication,
 * its daily dose as a number in one of two fixed units (never the order's text).
 */
const instant = z.string().datetime({ offset: true });
const clinicianId = z.string().min(1).max(64);
const severitySchema = z.enum(['info', 'warning', 'critical']);
const recipientRoleSchema = z.enum([
  'attending-psychiatrist',
  'physician',
  'cbt-therapist',
  'palliative-team',
  'facilitator',
  'prescriber',
]);
/** Exactly the shared terminology's classes (libs/shared-kernel): one list for the bus, liaison and the gateway. */
const drugClassSchema = z.enum(DRUG_CLASSES);
/** A daily dose's unit: mg/day, or mcg/h for a fentanyl patch (its MME factor is per mcg/h). */
const dailyDoseUnitSchema = z.enum(['mg/day', 'mcg/h']);
const ruleSchema = z.enum([
  'antidepressant-change',
  'suicidal-ideation',
  'opioid-cns-depressant',
  'gabapentinoid-combination',
  'serotonin-syndrome',
  'opioid-dose',
  'therapeutic-overload',
  'scheduling-conflict',
  'outcome-worsening',
  'caregiver-burden',
  'attendance-below-dose',
  'acute-distress',
  'palliative-transition',
  // Break-the-glass: the care team is told (info, never escalates).
  'emergency-access-opened',
]);

export const CoordinationAlertRaised = defineEvent({
  type: 'CoordinationAlertRaised',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({
    alertId: z.string().uuid(),
    rule: ruleSchema,
    severity: severitySchema,
    recipientRole: recipientRoleSchema,
    recipientId: clinicianId.nullable(),
    /** Unique per cause and recipient role: consumers may deduplicate on it. */
    dedupKey: z.string().min(1).max(300),
    /** Ids of the events that are the evidence. */
    evidenceEventIds: z.array(z.string().min(1)),
    raisedAt: instant,
    escalationDueAt: instant.nullable(),
  }),
});

export const AlertAcknowledged = defineEvent({
  type: 'AlertAcknowledged',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({
    alertId: z.string().uuid(),
    acknowledgedBy: clinicianId,
    outcome: z.enum(['accepted', 'overridden']),
    /** Whether an override reason was given (the text stays in clinician-liaison). */
    overrideReasonGiven: z.boolean(),
    acknowledgedAt: instant,
  }),
});

export const AlertEscalated = defineEvent({
  type: 'AlertEscalated',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({
    alertId: z.string().uuid(),
    level: z.number().int().positive(),
    escalatedTo: clinicianId.nullable(),
    escalatedAt: instant,
  }),
});

export const AlertResolved = defineEvent({
  type: 'AlertResolved',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({ alertId: z.string().uuid(), resolvedBy: clinicianId, resolvedAt: instant }),
});

export const MedicationChanged = defineEvent({
  type: 'MedicationChanged',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z
    .object({
      medicationId: z.string().min(1).max(96),
      change: z.enum(['started', 'dose-changed', 'stopped']),
      /** RxNorm ingredient id when classified; null for unclassified drugs. */
      rxnormIngredient: z
        .string()
        .regex(/^\d{1,10}$/)
        .nullable(),
      classes: z.array(drugClassSchema),
      classified: z.boolean(),
      prescriberId: clinicianId.nullable(),
      changedAt: instant,
      /**
       * The total daily dose after the change, in the unit MME factors use (mg/day; a fentanyl patch: mcg/h);
       * null when liaison could not compute it, or on a stop. Absent from events published before doses were.
       */
      dailyDose: z.number().finite().nonnegative().nullable().optional(),
      doseUnit: dailyDoseUnitSchema.nullable().optional(),
    })
    .refine((p) => (p.dailyDose ?? null) === null || (p.doseUnit ?? null) !== null, {
      message: 'a daily dose needs its unit',
      path: ['doseUnit'],
    }),
});

export const TreatmentPlanUpdated = defineEvent({
  type: 'TreatmentPlanUpdated',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({
    plan: z.enum(['cbt-course', 'palliative-plan']),
    planId: z.string().min(1).max(96),
    change: z.enum(['started', 'goals-of-care-changed']),
    updatedAt: instant,
  }),
});

/**
 * The member's consent to show facilitators drug names and doses, as it stands after the member's
 * profile was recorded (first time or changed). The value may repeat when another profile field changed:
 * consumers keep the latest value rather than treat every event as a change.
 */
export const MedicationSharingWithFacilitatorChanged = defineEvent({
  type: 'MedicationSharingWithFacilitatorChanged',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({ shareMedicationDetailsWithFacilitator: z.boolean(), changedAt: instant }),
});

const careTeamRoleSchema = z.enum([
  'attending-psychiatrist',
  'physician',
  'cbt-therapist',
  'palliative-team',
  'facilitator',
]);

/**
 * A clinician joined the member's care team: from the EHR's CareTeam (its participant period), an
 * Encounter's participants, or the admin route. Every service grants care-team access from these, and
 * only from these (never from who prescribed or referred). `activeUntil`: the period's planned end.
 */
export const CareTeamMemberAssigned = defineEvent({
  type: 'CareTeamMemberAssigned',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({ clinicianId, role: careTeamRoleSchema, activeFrom: instant, activeUntil: instant.nullable() }),
});

/** The clinician left the member's care team (period ended, removed, CareTeam inactive): access ends. */
export const CareTeamMemberEnded = defineEvent({
  type: 'CareTeamMemberEnded',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({ clinicianId, role: careTeamRoleSchema, endedAt: instant }),
});

/**
 * Break-the-glass: a clinician not on the care team opened the member's record for a stated reason, until
 * `expiresAt`. The reason travels as a code; the clinician's own words stay in clinician-liaison's store.
 */
export const EmergencyAccessOpened = defineEvent({
  type: 'EmergencyAccessOpened',
  schemaVersion: 1,
  topic: Topics.clinicianLiaison,
  payload: z.object({
    clinicianId,
    reasonCode: z.enum(['emergency-treatment', 'covering-clinician', 'safety-concern']),
    openedAt: instant,
    expiresAt: instant,
  }),
});

export const clinicianLiaisonEventList = [
  CoordinationAlertRaised,
  AlertAcknowledged,
  AlertEscalated,
  AlertResolved,
  MedicationChanged,
  TreatmentPlanUpdated,
  MedicationSharingWithFacilitatorChanged,
  CareTeamMemberAssigned,
  CareTeamMemberEnded,
  EmergencyAccessOpened,
] as const;
