import type { IdentityConflictReason } from './identity-match';

/** The identifying part of a Patient, kept only in the gateway and only encrypted. */
export interface PatientIdentity {
  /** The EHR's Patient id, when the resource has one. */
  patientId?: string;
  /** `Patient/<id>` as the EHR knows it, and each `system|value` identifier. Stored as keyed hashes. */
  lookupKeys: readonly string[];
  /** Names, birth date, identifiers, contact details: sealed with the identity key before storage. */
  identifying: Record<string, unknown>;
}

export type Registration =
  | { outcome: 'registered'; memberId: string; created: boolean }
  /** Nothing was written: the keys point at other members (see `matchPatientIdentity`). */
  | { outcome: 'conflict'; reason: IdentityConflictReason; memberIds: string[]; conflictingKeys: string[] };

/** Identifier → member id, in the gateway's own database, inside the ingest transaction. */
export interface MemberIdentities {
  /** The member any of these keys already belongs to. */
  find(lookupKeys: readonly string[]): Promise<string | undefined>;
  /**
   * The member for this patient: the existing one if its keys point at exactly one member that is
   * not another EHR patient (new keys are added), a new one if they point at none; else a conflict.
   */
  register(patient: PatientIdentity): Promise<Registration>;
  /** The member's birth date as the EHR last sent it (unsealed here only to derive an age; it never leaves the gateway). */
  birthDate(memberId: string): Promise<string | undefined>;
}
