// The gateway's answers, as far as the console reads them (the gateway's care-console routes own the shapes).

export type Role = 'facilitator' | 'clinician' | 'programme-lead' | string;

export interface AlertStep {
  by?: string | null;
  at: string;
}

export interface ConsoleAlert {
  alertId: string;
  memberId: string;
  /** Liaison's rule that raised it; `suicidal-ideation` is PHQ-9 item 9 above zero. */
  rule?: string;
  severity: string;
  status: string;
  state?: string;
  summary: string;
  detail?: string;
  escalationLevel: number;
  raisedAt: string;
  open?: boolean;
  dueAt?: string | null;
  escalated?: { level: number; at: string } | null;
  acknowledged?: (AlertStep & { outcome: string; reasonGiven?: boolean }) | null;
  resolved?: AlertStep | null;
  /** Why it was overridden: in a clinician's view only. */
  overrideReason?: string | null;
}

export interface RosterMember {
  memberId: string;
  attended: number;
  dose: number;
  doseReached: boolean;
}

export interface GroupSession {
  sessionId: string;
  startsAt: string;
  started: boolean;
  recorded: number;
}

export interface HomeGroup {
  groupId: string;
  groupType?: string | null;
  roster: RosterMember[];
  sessions: GroupSession[];
}

export interface Home {
  role: Role;
  groups: HomeGroup[];
  upcomingSessions: { startsAt: string; groupId: string }[];
  members: string[];
  openAlerts: ConsoleAlert[];
  doneAlerts: ConsoleAlert[];
  alertCounts?: Record<string, number>;
  /** Names by id, for the people this answer shows. */
  names?: Record<string, string>;
}

export interface AttendanceSheet {
  groupId: string;
  session: { sessionId: string; startsAt: string; started: boolean };
  members: { memberId: string; status?: string | null }[];
  /** Names by member id, for the members the reader may see. */
  names?: Record<string, string>;
}

export interface OutcomePoint {
  at: string;
  total: number;
  band?: string | null;
  point: string;
  item9?: number | null;
}

export interface InstrumentSeries {
  instrument: string;
  max: number;
  /** A change from baseline this large is meaningful (PHQ-9 5, GAD-7 4). */
  meaningfulChange: number;
  /** PHQ-9: when the latest PHQ-9 answered item 9 above zero, else null. */
  item9FlaggedAt?: string | null;
  bands: { from: number; to: number; label: string }[];
  points: OutcomePoint[];
  latest: number | null;
  baseline: number | null;
  changeFromBaseline: number | null;
}

/** A count, or withheld: too small, or so that a small one cannot be worked out. */
export type Count = number | { cause: 'small-cell' | string };

export interface ReportCell {
  suppressed?: false;
  n: number;
  meanBaseline: number | null;
  meanFollowUp: number | null;
  meanChange: number | null;
  meanChangeCi95?: { lower: number; upper: number } | null;
  meaningfulImprovement?: { count: number; share: number | null } | null;
}

export type CohortCell = ReportCell | { suppressed: true; reason: string };

export interface CohortReport {
  instrument: string;
  members: Count;
  all: CohortCell;
  byDose: { dosed: CohortCell; underDosed: CohortCell };
  missing: { baseline: Count; followUp: Count };
  smallCellThreshold: number;
  doseSessions: number;
}

export interface TimelineEntry {
  id: string;
  kind: string;
  type: string;
  at: string;
  /** When the source service recorded it, if known. */
  recordedAt?: string;
  title: string;
  /** One sentence a person reads, as the gateway wrote it for this reader. */
  sentence: string;
  severity?: string | null;
  redacted?: boolean;
  alert?: { alertId: string; status: string; steps: { state: string; at: string; level?: number }[] } | null;
  details?: Record<string, unknown>;
}

/** Something from the timeline marked on a chart's time axis. */
export interface ChartMarker {
  at: string;
  kind: 'medication' | 'session';
  /** What it was, as the gateway worded it for this reader. */
  label: string;
}

/** A line of a member's medication list (clinicians only), in the order the console draws it. */
export interface Medication {
  medicationId: string;
  status: string;
  name: string;
  dailyDose: number | null;
  doseUnit: string;
  frequency: string;
  route: string;
  classes: string[];
  startedAt: string;
  prescriberId: string;
}
