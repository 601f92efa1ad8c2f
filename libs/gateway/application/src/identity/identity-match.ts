/** Why an incoming Patient cannot be mapped to one member without guessing. */
export type IdentityConflictReason =
  /** Its keys (EHR id, identifiers) already point at two or more different members. */
  | 'identifiers-of-several-members'
  /** An identifier belongs to a member that the EHR knows under another Patient id. */
  | 'identifier-of-another-patient';

/** A lookup key (`Patient/<id>` or `system|value`) of the incoming Patient and the member it already points at. */
export interface KeyMatch {
  key: string;
  memberId: string;
}

export type IdentityMatch =
  | { outcome: 'new' }
  | { outcome: 'existing'; memberId: string }
  | { outcome: 'conflict'; reason: IdentityConflictReason; memberIds: string[]; conflictingKeys: string[] };

/**
 * Which member an incoming Patient is, from the members its keys already point at and the EHR
 * Patient id each of those members carries. Never merges two members, nor two EHR patients who
 * share an identifier: such a Patient is a conflict for a person to review.
 */
export function matchPatientIdentity(
  patientId: string | undefined,
  matches: readonly KeyMatch[],
  ehrPatientIdOf: ReadonlyMap<string, string>,
): IdentityMatch {
  const members = [...new Set(matches.map((match) => match.memberId))].sort();
  if (members.length === 0) return { outcome: 'new' };
  const own =
    patientId === undefined ? undefined : matches.find((match) => match.key === `Patient/${patientId}`)?.memberId;
  if (members.length > 1) {
    const conflictingKeys = matches.filter((match) => match.memberId !== own).map((match) => match.key);
    return { outcome: 'conflict', reason: 'identifiers-of-several-members', memberIds: members, conflictingKeys };
  }
  const memberId = members[0]!;
  const knownAs = ehrPatientIdOf.get(memberId);
  if (patientId !== undefined && knownAs !== undefined && knownAs !== patientId) {
    return {
      outcome: 'conflict',
      reason: 'identifier-of-another-patient',
      memberIds: members,
      conflictingKeys: matches.map((match) => match.key),
    };
  }
  return { outcome: 'existing', memberId };
}
