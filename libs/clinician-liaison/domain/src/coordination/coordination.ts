import type { CommandMetadata } from '@carecircle/shared-kernel';
import type { MedicationClassification } from '../terminology/medication-terminology';

export type CareTeamRole = 'attending-psychiatrist' | 'physician' | 'cbt-therapist' | 'palliative-team' | 'facilitator';
/** Who an alert is for: a care-team role, or the prescriber of the medication concerned. */
export type RecipientRole = CareTeamRole | 'prescriber';
export type Cohort = 'general' | 'palliative';
export type ContactKind = 'group-session' | 'cbt' | 'psychiatry' | 'palliative' | 'individual-counseling';
export type Instrument = 'PHQ-9' | 'GAD-7' | 'PCL-5' | 'ZBI-22' | 'other';

export interface CareTeamMember {
  clinicianId: string;
  role: CareTeamRole;
  /** Where deliveries go (a FHIR endpoint, a webhook); never shown to other members. */
  endpoint: string | null;
  activeFrom: string;
  activeTo: string | null;
  /** The planned end (the EHR period's end, an encounter's end); null when open-ended. */
  activeUntil: string | null;
}

export type EmergencyAccessReason = 'emergency-treatment' | 'covering-clinician' | 'safety-concern';

/** Break-the-glass: a clinician off the care team opened the member's record until `expiresAt`. */
export interface EmergencyAccess {
  clinicianId: string;
  reasonCode: EmergencyAccessReason;
  openedAt: string;
  expiresAt: string;
}

export interface MemberProfile {
  /** FHIR date: YYYY-MM-DD from the REST route; the EHR may send a partial YYYY or YYYY-MM. Ages are computed on the day a rule runs. */
  birthDate: string;
  cohort: Cohort;
  /** The member's consent allows the facilitator to see drug names and doses. */
  shareMedicationDetailsWithFacilitator: boolean;
  /** Specific consent to redisclose substance-use treatment records (42 CFR Part 2). */
  part2Consent: boolean;
}

/** The prescriber of an EHR order that names no practitioner: alerts for "the prescriber" go to this placeholder id. */
export const UNKNOWN_EHR_PRESCRIBER = 'ehr-prescriber-unknown';

export interface MedicationOrder {
  rxnormCode: string | null;
  name: string;
  /** Total daily dose in the unit MME factors expect (mg/day; fentanyl patch: mcg/h). */
  dailyDose: number | null;
  doseUnit: string;
  route: string;
  frequency: string;
  prescriberId: string;
}

export interface Medication extends MedicationOrder {
  medicationId: string;
  classification: MedicationClassification;
  status: 'active' | 'stopped';
  startedAt: string;
  /** When it was started or its dose last changed. */
  changedAt: string;
}

/** Facts other services told us about the member (from their integration events). */
export type ExternalFact =
  | { kind: 'group-joined'; groupId: string; at: string }
  | { kind: 'group-left'; groupId: string; at: string }
  | { kind: 'contact-booked'; contactId: string; contactKind: ContactKind; start: string; end: string }
  | {
      kind: 'attendance-recorded';
      groupId: string;
      sessionNumber: number;
      plannedSessions: number;
      sessionsAttended: number;
      at: string;
    }
  | { kind: 'measure-recorded'; instrument: Instrument; score: number; item9: number | null; at: string }
  /** PHQ-9 item 9 answered on its own (an EHR Observation, LOINC 44260-8): no total, so no score to keep. */
  | { kind: 'item9-answered'; item9: number; at: string }
  /**
   * Acute distress: reported by a facilitator from a session (REST), or by the EHR (a Flag or an Observation coded
   * acute distress). `reportId` names the report (the client's id, or the EHR resource), so a resend alerts once;
   * facts recorded before it existed have none. The note is the reporter's words: it stays in this stream.
   */
  | {
      kind: 'distress-reported';
      groupId: string | null;
      at: string;
      reportId?: string;
      source?: 'facilitator' | 'ehr-flag' | 'ehr-observation';
      sessionId?: string | null;
      reportedBy?: string | null;
      note?: string | null;
    }
  /** Scheduling's therapeutic load of the busiest rolling window a change touched, [windowStart, windowEnd), group sessions included. */
  | {
      kind: 'load-changed';
      windowStart: string;
      windowEnd: string;
      contacts: number;
      cap: number;
      overCap: boolean;
      at: string;
    }
  /** Scheduling: a window once over the cap holds no more than the cap now; the overload episode is over. */
  | { kind: 'overload-resolved'; windowStart: string; windowEnd: string; at: string }
  /** An EHR Condition coded palliative care (SNOMED 103735009, ICD-10 Z51.5): active puts the member in the palliative cohort. */
  | { kind: 'palliative-condition'; conditionId: string; active: boolean; at: string };

// Commands ---------------------------------------------------------------------------------------

type Cmd<T extends string, D> = { type: T; data: D & { memberId: string }; metadata: CommandMetadata };

export type CoordinationCommand =
  | Cmd<'RecordMemberProfile', MemberProfile>
  /** The EHR's Patient.birthDate (FHIR date, partial allowed): only the birth date changes, the rest of the profile stays. */
  | Cmd<'RecordBirthDate', { birthDate: string }>
  | Cmd<
      'AssignCareTeamMember',
      { clinicianId: string; role: CareTeamRole; endpoint: string | null; activeUntil?: string | null }
    >
  | Cmd<'EndCareTeamMember', { clinicianId: string; role: CareTeamRole }>
  /** The note is the clinician's own words: it stays in this stream, never on the bus or in logs. */
  | Cmd<
      'OpenEmergencyAccess',
      { clinicianId: string; reasonCode: EmergencyAccessReason; note: string; expiresAt: string }
    >
  | Cmd<'StartMedication', { medicationId: string; order: MedicationOrder; classification: MedicationClassification }>
  | Cmd<
      'ChangeMedicationDose',
      { medicationId: string; dailyDose: number | null; doseUnit: string; frequency: string; prescriberId: string }
    >
  | Cmd<'StopMedication', { medicationId: string }>
  | Cmd<'StartCbtCourse', { courseId: string; therapistId: string }>
  | Cmd<'StartPalliativePlan', { planId: string; goalsOfCare: string }>
  | Cmd<'ChangeGoalsOfCare', { planId: string; goalsOfCare: string }>
  | Cmd<'RecordExternalFact', { sourceEventId: string; fact: ExternalFact }>
  /** A facilitator (or care-team clinician) reports acute distress seen in a session of one of the member's groups. */
  | Cmd<
      'ReportDistress',
      {
        reportId: string;
        groupId: string;
        sessionId: string | null;
        observedAt: string;
        reportedBy: string;
        note: string | null;
      }
    >;

// Events -----------------------------------------------------------------------------------------

type Ev<T extends string, D> = { type: T; data: D & { memberId: string } };

export type CoordinationEvent =
  | Ev<'MemberProfileRecorded', MemberProfile & { recordedAt: string }>
  /** The birth date from the EHR; a member without a profile gets the defaults (general cohort, palliative once a plan started, nothing shared). */
  | Ev<'MemberBirthDateRecorded', { birthDate: string; recordedAt: string }>
  // Schema version 2 (`activeUntil` null when open-ended); v1 events are upcast on read (coordination.upcasters.ts).
  | Ev<
      'CareTeamMemberAssigned',
      {
        clinicianId: string;
        role: CareTeamRole;
        endpoint: string | null;
        activeFrom: string;
        activeUntil: string | null;
      }
    >
  | Ev<'CareTeamMemberEnded', { clinicianId: string; role: CareTeamRole; endedAt: string }>
  | Ev<'EmergencyAccessOpened', EmergencyAccess & { note: string }>
  | Ev<
      'MedicationStarted',
      { medicationId: string; order: MedicationOrder; classification: MedicationClassification; startedAt: string }
    >
  | Ev<
      'MedicationDoseChanged',
      {
        medicationId: string;
        dailyDose: number | null;
        doseUnit: string;
        frequency: string;
        prescriberId: string;
        changedAt: string;
        /** The medication's classification when the change was decided (absent on events recorded before it was kept). */
        classification?: MedicationClassification;
      }
    >
  | Ev<'MedicationStopped', { medicationId: string; stoppedAt: string; classification?: MedicationClassification }>
  | Ev<'CbtCourseStarted', { courseId: string; therapistId: string; startedAt: string }>
  | Ev<'PalliativePlanStarted', { planId: string; goalsOfCare: string; startedAt: string }>
  | Ev<'GoalsOfCareChanged', { planId: string; goalsOfCare: string; changedAt: string }>
  | Ev<'ExternalFactRecorded', { sourceEventId: string; fact: ExternalFact }>;

export type CoordinationEventType = CoordinationEvent['type'];

// State ------------------------------------------------------------------------------------------

export interface Score {
  score: number;
  item9: number | null;
  at: string;
}

/** A rolling window of scheduling's therapeutic load: [windowStart, windowEnd). */
export interface LoadWindow {
  windowStart: string;
  windowEnd: string;
  contacts: number;
}

export interface CoordinationState {
  memberId: string | null;
  profile: MemberProfile | null;
  careTeam: CareTeamMember[];
  emergencyAccess: EmergencyAccess[];
  medications: Record<string, Medication>;
  groups: Record<string, { groupId: string; active: boolean; joinedAt: string }>;
  contacts: { contactId: string; kind: ContactKind; start: string; end: string }[];
  attendance: Record<string, { sessionNumber: number; plannedSessions: number; sessionsAttended: number }>;
  /** Latest and previous score per instrument. */
  scores: Partial<Record<Instrument, { latest: Score; previous: Score | null }>>;
  /** Scheduling's latest load per reported window (for the appointment-book forecast). */
  loadWindows: LoadWindow[];
  /** The windows of the open overload episode(s): over the cap and not yet resolved. */
  overloadWindows: LoadWindow[];
  cbt: { courseId: string; therapistId: string; startedAt: string } | null;
  palliative: { planId: string; goalsOfCare: string; startedAt: string } | null;
  /** Active EHR Conditions coded palliative care (their ids). */
  palliativeConditions: string[];
  /** Source event ids already recorded, so a redelivered integration event changes nothing. */
  seenSourceEvents: string[];
}

export const coordinationStreamId = (memberId: string) => `coordination-${memberId}`;
export const COORDINATION_STREAM_PREFIX = 'coordination-';
