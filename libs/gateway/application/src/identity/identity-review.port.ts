import type { IdentityConflictReason } from './identity-match';

/**
 * A conflict between EHR identities that the gateway refused to resolve by itself, for a person to
 * review. Pseudonymous member ids and a reason only: never an identifier value, a name or an EHR id.
 */
export interface IdentityReview {
  detectedAt: Date;
  reasonCode: IdentityConflictReason;
  /** The existing members involved (none when they existed only in the refused transaction). */
  memberIds: readonly string[];
  resourceType: 'Patient';
}

export interface IdentityReviews {
  /** Files a review item outside the refused submission's transaction, so it stays when that rolls back. */
  file(review: IdentityReview): Promise<void>;
  /** Open items, oldest first. */
  listOpen(limit: number): Promise<(IdentityReview & { id: string })[]>;
}
