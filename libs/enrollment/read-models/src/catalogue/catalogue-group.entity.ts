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

  /** False from GroupFormed until its seats were offered to members waiting on full groups of its kind. */
  @Column({ name: 'waitlists_opened', type: 'boolean', default: true })
  waitlistsOpened!: boolean;
}
