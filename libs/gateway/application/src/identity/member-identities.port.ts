/** The identifying part of a Patient, kept only in the gateway and only encrypted. */
export interface PatientIdentity {
  /** `Patient/<id>` as the EHR knows it, and each `system|value` identifier. Stored as keyed hashes. */
  lookupKeys: readonly string[];
  /** Names, birth date, identifiers, contact details: sealed with the identity key before storage. */
  identifying: Record<string, unknown>;
}

/** Identifier → member id, in the gateway's own database, inside the ingest transaction. */
export interface MemberIdentities {
  /** The member any of these keys already belongs to. */
  find(lookupKeys: readonly string[]): Promise<string | undefined>;
  /** The member for this patient: the existing one if any key is known (new keys are added), else a new one. */
  register(patient: PatientIdentity): Promise<string>;
  /** The member's birth date as the EHR last sent it (unsealed here only to derive an age; it never leaves the gateway). */
  birthDate(memberId: string): Promise<string | undefined>;
}
