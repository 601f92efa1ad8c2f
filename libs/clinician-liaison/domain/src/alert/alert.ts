import type { CommandMetadata } from '@carecircle/shared-kernel';
import type { RecipientRole } from '../coordination/coordination';
import type { EscalationConfig } from '../rules/rule-config';
import type { RuleId, Severity } from '../rules/finding';

export interface AlertContent {
  alertId: string;
  memberId: string;
  rule: RuleId;
  severity: Severity;
  recipientRole: RecipientRole;
  /** The clinician the alert is for; null when no one holds the role (it escalates at once). */
  recipientId: string | null;
  /** Who gets it next if nobody acknowledges in time, in order. */
  escalationChain: string[];
  dedupKey: string;
  summary: string;
  detail: string;
  evidenceEventIds: string[];
  /**
   * The other recipients' copies of the same finding (e.g. the facilitator's of the psychiatrist's). They
   * are one alert: an acknowledgement or resolution of any copy is followed by every sibling. Absent on
   * alerts raised before copies were linked.
   */
  siblingIds?: string[];
}

export type AckOutcome = 'accepted' | 'overridden';

type Cmd<T extends string, D> = { type: T; data: D & { alertId: string }; metadata: CommandMetadata };

export type AlertCommand =
  | Cmd<'RaiseAlert', { content: AlertContent; escalation: EscalationConfig }>
  | Cmd<'MarkDelivered', { channel: string }>
  | Cmd<'AcknowledgeAlert', { by: string; outcome: AckOutcome; reason: string | null }>
  | Cmd<'EscalateAlert', { level: number; escalation: EscalationConfig }>
  | Cmd<'ResolveAlert', { by: string; reason: string | null }>
  /** A sibling copy was acknowledged or resolved: this copy takes the same step (same who, when, reason). */
  | Cmd<'FollowSibling', { siblingId: string; step: SiblingStep }>;

type Ev<T extends string, D> = { type: T; data: D & { alertId: string; memberId: string } };

export type AlertEvent =
  | Ev<'AlertRaised', AlertContent & { raisedAt: string; escalationDueAt: string | null }>
  | Ev<'AlertDelivered', { channel: string; deliveredAt: string }>
  | Ev<
      'AlertAcknowledged',
      {
        by: string;
        outcome: AckOutcome;
        reason: string | null;
        acknowledgedAt: string;
        /** Taken on a sibling copy and followed here. */
        viaAlertId?: string;
      }
    >
  | Ev<
      'AlertEscalated',
      { level: number; escalatedTo: string | null; escalatedAt: string; nextEscalationDueAt: string | null }
    >
  | Ev<'AlertResolved', { by: string; reason: string | null; resolvedAt: string; viaAlertId?: string }>;

/** The steps of one copy that every sibling copy follows. */
export type SiblingStep = Extract<AlertEvent, { type: 'AlertAcknowledged' | 'AlertResolved' }>;

export type AlertStatus = 'raised' | 'delivered' | 'acknowledged' | 'resolved';

export type AlertState =
  | { status: 'none' }
  | {
      status: AlertStatus;
      content: AlertContent;
      escalationLevel: number;
      escalatedTo: string[];
      deliveredVia: string[];
    };

export const alertStreamId = (alertId: string) => `alert-${alertId}`;
export const ALERT_STREAM_PREFIX = 'alert-';
