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
}

export interface MemberProfile {
  birthDate: string;
  cohort: Cohort;
  /** The member's consent allows the facilitator to see drug names and doses. */
  shareMedicationDetailsWithFacilitator: boolean;
  /** Specific consent to redisclose substance-use treatment records (42 CFR Part 2). */
  part2Consent: boolean;
}

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
  | { kind: 'attendance-recorded'; groupId: string; sessionNumber: number; plannedSessions: number; sessionsAttended: number; at: string }
  | { kind: 'measure-recorded'; instrument: Instrument; score: number; item9: number | null; at: string }
  | { kind: 'distress-reported'; groupId: string; at: string };

// Commands ---------------------------------------------------------------------------------------

type Cmd<T extends string, D> = { type: T; data: D & { memberId: string }; metadata: CommandMetadata };

export type CoordinationCommand =
  | Cmd<'RecordMemberProfile', MemberProfile>
  | Cmd<'AssignCareTeamMember', { clinicianId: string; role: CareTeamRole; endpoint: string | null }>
  | Cmd<'EndCareTeamMember', { clinicianId: string; role: CareTeamRole }>
  | Cmd<'StartMedication', { medicationId: string; order: MedicationOrder; classification: MedicationClassification }>
  | Cmd<'ChangeMedicationDose', { medicationId: string; dailyDose: number | null; doseUnit: string; frequency: string; prescriberId: string }>
  | Cmd<'StopMedication', { medicationId: string }>
  | Cmd<'StartCbtCourse', { courseId: string; therapistId: string }>
  | Cmd<'StartPalliativePlan', { planId: string; goalsOfCare: string }>
  | Cmd<'ChangeGoalsOfCare', { planId: string; goalsOfCare: string }>
  | Cmd<'RecordExternalFact', { sourceEventId: string; fact: ExternalFact }>;

// Events -----------------------------------------------------------------------------------------

type Ev<T extends string, D> = { type: T; data: D & { memberId: string } };

export type CoordinationEvent =
  | Ev<'MemberProfileRecorded', MemberProfile & { recordedAt: string }>
  | Ev<'CareTeamMemberAssigned', { clinicianId: string; role: CareTeamRole; endpoint: string | null; activeFrom: string }>
  | Ev<'CareTeamMemberEnded', { clinicianId: string; role: CareTeamRole; endedAt: string }>
  | Ev<'MedicationStarted', { medicationId: string; order: MedicationOrder; classification: MedicationClassification; startedAt: string }>
  | Ev<'MedicationDoseChanged', { medicationId: string; dailyDose: number | null; doseUnit: string; frequency: string; prescriberId: string; changedAt: string }>
  | Ev<'MedicationStopped', { medicationId: string; stoppedAt: string }>
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

export interface CoordinationState {
  memberId: string | null;
  profile: MemberProfile | null;
  careTeam: CareTeamMember[];
  medications: Record<string, Medication>;
  groups: Record<string, { groupId: string; active: boolean; joinedAt: string }>;
  contacts: { contactId: string; kind: ContactKind; start: string; end: string }[];
  attendance: Record<string, { sessionNumber: number; plannedSessions: number; sessionsAttended: number }>;
  /** Latest and previous score per instrument. */
  scores: Partial<Record<Instrument, { latest: Score; previous: Score | null }>>;
  cbt: { courseId: string; therapistId: string; startedAt: string } | null;
  palliative: { planId: string; goalsOfCare: string; startedAt: string } | null;
  /** Source event ids already recorded, so a redelivered integration event changes nothing. */
  seenSourceEvents: string[];
}

export const coordinationStreamId = (memberId: string) => `coordination-${memberId}`;
export const COORDINATION_STREAM_PREFIX = 'coordination-';
