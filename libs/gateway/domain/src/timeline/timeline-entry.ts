/** The kinds of entry on a member's care timeline (the UI's type filters). */
export const TIMELINE_KINDS = [
  'referral',
  'screening',
  'consent',
  'enrolment',
  'waitlist',
  'session',
  'attendance',
  'dose',
  'contact',
  'treatment',
  'alert',
  'score',
  'care-team',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export type AlertState = 'raised' | 'acknowledged' | 'overridden' | 'escalated' | 'resolved';

/** The lifecycle of one coordination alert, kept on the entry that raised it. */
export interface AlertLifecycle {
  alertId: string;
  status: AlertState;
  steps: { state: AlertState; at: string; level?: number }[];
}

/** What one audience may see of an entry. */
export interface EntryView {
  title: string;
  details: Readonly<Record<string, unknown>>;
}

/**
 * One entry of a member's timeline. `title`/`details` are the full (care-team) view; `facilitatorView`
 * is the minimum-necessary view. Redaction chooses between them at read time.
 */
export interface TimelineEntry {
  memberId: string;
  at: string;
  kind: TimelineKind;
  /** The integration event type the entry came from. */
  type: string;
  title: string;
  severity?: Severity;
  details: Readonly<Record<string, unknown>>;
  facilitatorView: EntryView;
  sourceEventId: string;
  alert?: AlertLifecycle;
}

/** The envelope fields the timeline reads; integration events from `@carecircle/contracts` fit it. */
export interface TimelineSourceEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  subject: string;
  payload: unknown;
}

/** Who is reading; `consentToShareMedication` is the member's consent to show facilitators treatment details. */
export type TimelineViewer = { role: 'clinician' } | { role: 'facilitator'; consentToShareMedication: boolean };
