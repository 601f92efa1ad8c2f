/** One member's place on a group's roster, as scheduling learns it from enrollment's events. */
export interface RosterEntry {
  groupId: string;
  memberId: string;
  memberRole: 'patient' | 'caregiver' | 'family-member';
  status: 'enrolled' | 'withdrawn';
  enrolledAt: string;
  withdrawnAt: string | null;
}

export type RosterFact =
  | {
      type: 'MemberEnrolled';
      memberId: string;
      groupId: string;
      memberRole: RosterEntry['memberRole'];
      enrolledAt: string;
    }
  | { type: 'MemberWithdrew'; memberId: string; groupId: string; withdrewAt: string };

/**
 * Folds one enrollment fact into a roster entry. Replaying the same facts gives the same entry, so the
 * projection can be rebuilt; a withdrawal of someone never enrolled leaves no entry.
 */
export function evolveRosterEntry(entry: RosterEntry | null, fact: RosterFact): RosterEntry | null {
  switch (fact.type) {
    case 'MemberEnrolled':
      return {
        groupId: fact.groupId,
        memberId: fact.memberId,
        memberRole: fact.memberRole,
        status: 'enrolled',
        enrolledAt: fact.enrolledAt,
        withdrawnAt: null,
      };
    case 'MemberWithdrew':
      return entry ? { ...entry, status: 'withdrawn', withdrawnAt: fact.withdrewAt } : null;
  }
}
