import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The alert inbox and the durable escalation timer (escalation_due_at), kept by the projection. */
@Entity({ name: 'liaison_alert' })
export class AlertRow {
  @PrimaryColumn({ name: 'alert_id', type: 'uuid' })
  alertId!: string;

  @Column({ name: 'dedup_key', type: 'text' })
  dedupKey!: string;

  @Column({ name: 'member_id', type: 'text' })
  memberId!: string;

  @Column({ type: 'text' })
  rule!: string;

  @Column({ type: 'text' })
  severity!: 'info' | 'warning' | 'critical';

  @Column({ type: 'text' })
  status!: 'raised' | 'delivered' | 'acknowledged' | 'resolved';

  @Column({ name: 'recipient_role', type: 'text' })
  recipientRole!: string;

  @Column({ name: 'recipient_id', type: 'text', nullable: true })
  recipientId!: string | null;

  /** Everyone the alert is addressed to: the recipient and whoever it escalated to. */
  @Column({ name: 'addressees', type: 'text', array: true })
  addressees!: string[];

  @Column({ type: 'text' })
  summary!: string;

  @Column({ type: 'text' })
  detail!: string;

  @Column({ name: 'evidence_event_ids', type: 'text', array: true })
  evidenceEventIds!: string[];

  @Column({ name: 'escalation_level', type: 'int' })
  escalationLevel!: number;

  @Column({ name: 'escalation_due_at', type: 'timestamptz', nullable: true })
  escalationDueAt!: Date | null;

  @Column({ name: 'raised_at', type: 'timestamptz' })
  raisedAt!: Date;

  @Column({ name: 'ack_outcome', type: 'text', nullable: true })
  ackOutcome!: string | null;

  @Column({ name: 'ack_reason', type: 'text', nullable: true })
  ackReason!: string | null;
}
