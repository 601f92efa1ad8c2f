import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Enrollment's copy of scheduling's group catalogue: what matching and seat decisions need. */
@Entity({ name: 'enrollment_group_catalogue' })
export class CatalogueGroupRow {
  @PrimaryColumn({ name: 'group_id', type: 'text' })
  groupId!: string;

  @Column({ name: 'group_type', type: 'text' })
  groupType!: 'disease-specific' | 'stage-specific' | 'general-emotional-support';

  @Column({ type: 'text', nullable: true })
  condition!: string | null;

  @Column({ type: 'text', nullable: true })
  stage!: string | null;

  @Column({ type: 'int' })
  seats!: number;

  @Column({ type: 'text' })
  openness!: 'open' | 'closed';

  @Column({ type: 'text' })
  modality!: 'in-person' | 'online' | 'hybrid';

  @Column({ type: 'text' })
  cadence!: 'weekly' | 'biweekly' | 'monthly';

  @Column({ name: 'age_min', type: 'int' })
  ageMin!: number;

  @Column({ name: 'age_max', type: 'int' })
  ageMax!: number;

  @Column({ name: 'facilitator_ids', type: 'jsonb' })
  facilitatorIds!: string[];

  @Column({ name: 'first_session_at', type: 'timestamptz' })
  firstSessionAt!: Date;

  @Column({ type: 'boolean', default: false })
  closed!: boolean;

  /**
   * First catalogued from GroupFormed: its seats are to be offered once to members waiting on full groups of
   * its kind. The seat keeper records that it did in `enrollment_group_opened`, apart from what the topic writes.
   */
  @Column({ name: 'newly_formed', type: 'boolean', default: false })
  newlyFormed!: boolean;
}
