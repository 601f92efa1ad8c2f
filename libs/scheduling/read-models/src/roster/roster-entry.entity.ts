import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'roster_entry' })
export class RosterEntryRow {
  @PrimaryColumn({ name: 'group_id', type: 'text' })
  groupId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'text' })
  memberId!: string;

  @Column({ name: 'member_role', type: 'text' })
  memberRole!: 'patient' | 'caregiver' | 'family-member';

  @Column({ type: 'text' })
  status!: 'enrolled' | 'withdrawn';

  @Column({ name: 'enrolled_at', type: 'timestamptz' })
  enrolledAt!: Date;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;
}

/** Per-group counters, bumped in the same transaction as the roster row: a duplicate delivery would show here. */
@Entity({ name: 'group_roster_summary' })
export class GroupRosterSummaryRow {
  @PrimaryColumn({ name: 'group_id', type: 'text' })
  groupId!: string;

  @Column({ name: 'enrolments_applied', type: 'int' })
  enrolmentsApplied!: number;

  @Column({ name: 'withdrawals_applied', type: 'int' })
  withdrawalsApplied!: number;
}
