import type { CommandMetadata } from '@carecircle/shared-kernel';

/** What the gateway learns from one accepted FHIR resource, named after the integration event it becomes. */
export const CLINICAL_FACT_KINDS = [
  'ReferralRequested',
  'ConditionRecorded',
  'ConsentReceived',
  'QuestionnaireAnswered',
  'ObservationRecorded',
  'MedicationOrdered',
  'MedicationStatementRecorded',
  'AppointmentBooked',
  'CareTeamUpdated',
  'CarePlanUpdated',
  'EncounterRecorded',
  'CaregiverLinked',
  'PatientRecorded',
  'FlagRecorded',
] as const;

export type ClinicalFactKind = (typeof CLINICAL_FACT_KINDS)[number];

/**
 * The minimal, pseudonymous facts of one resource. `details` holds codes, statuses and instants only
 * (never names, free text or EHR identifiers); its shape per kind is the contract's payload.
 */
export interface ClinicalFact {
  kind: ClinicalFactKind;
  details: Readonly<Record<string, unknown>>;
}

/** One resource as submitted, already validated and pseudonymised by the application layer. */
export interface ResourceSubmission {
  /** `<type>/<logical id>` as the EHR knows it; stays inside the gateway. */
  resourceKey: string;
  /** A stable pseudonymous id for the resource (UUID), the only id that leaves the gateway. */
  resourceId: string;
  /** Hash of the resource's content without its `meta`: the same content posted again is the same version. */
  contentHash: string;
  fact: ClinicalFact;
}

// Commands ---------------------------------------------------------------------------------------

export type MemberRecordCommand = {
  type: 'IngestResources';
  data: { memberId: string; resources: readonly ResourceSubmission[] };
  metadata: CommandMetadata;
};

// Events -----------------------------------------------------------------------------------------

export interface ResourceIngestedData {
  memberId: string;
  resourceKey: string;
  resourceId: string;
  /** 1 for the first version the gateway accepted, then +1 for each changed content. */
  revision: number;
  contentHash: string;
  fact: ClinicalFact;
  ingestedAt: string;
}

export type MemberRecordEvent = { type: 'ResourceIngested'; data: ResourceIngestedData };

// State ------------------------------------------------------------------------------------------

export interface MemberRecordState {
  resources: Readonly<Record<string, { contentHash: string; revision: number }>>;
}

/** One stream per pseudonymous member: every resource about that member, in the order it was accepted. */
export const memberRecordStreamId = (memberId: string) => `gateway-member-${memberId}`;
