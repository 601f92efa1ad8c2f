import type { CommandMetadata } from '@carecircle/shared-kernel';

export type GroupType = 'disease-specific' | 'stage-specific' | 'general-emotional-support';
export type Openness = 'open' | 'closed';
export type Modality = 'in-person' | 'online' | 'hybrid';
export type Cadence = 'weekly' | 'biweekly' | 'monthly';
export type AttendanceStatus = 'attended-in-person' | 'attended-online' | 'absent' | 'excused';
export type SessionCancellationReason =
  'facilitator-unavailable' | 'venue-unavailable' | 'holiday' | 'low-attendance' | 'group-closed' | 'other';
export type GroupClosureReason = 'course-completed' | 'too-few-members' | 'facilitator-unavailable' | 'other';

/** Everything a facilitator decides when forming a group. Address and video link stay inside scheduling. */
export interface GroupDetails {
  groupId: string;
  groupType: GroupType;
  condition?: string;
  stage?: string;
  seats: number;
  openness: Openness;
  modality: Modality;
  locationId: string | null;
  videoLink: string | null;
  facilitatorIds: string[];
  ageBand: { min: number; max: number };
  cadence: Cadence;
  sessionMinutes: number;
  courseWeeks: number;
  /** ISO instant of the first session. */
  firstSessionAt: string;
  /** IANA time zone the course is planned in. */
  timeZone: string;
}

/** What may change after formation; the course shape (cadence, length, first session) may not. */
export type GroupChanges = Partial<
  Pick<GroupDetails, 'seats' | 'facilitatorIds' | 'modality' | 'locationId' | 'videoLink' | 'ageBand'>
>;

export interface Session {
  sessionId: string;
  sequence: number;
  startsAt: string;
  endsAt: string;
  status: 'scheduled' | 'cancelled';
  /** 0 as planned; +1 for every reschedule or cancellation (what calendars see as SEQUENCE). */
  revision: number;
}

/** A roster entry as scheduling knows it from enrollment, handed to the decider by the use case. */
export interface RosterMember {
  status: 'enrolled' | 'withdrawn';
  enrolledAt: string;
}

// Commands ---------------------------------------------------------------------------------------

export type GroupCommand =
  | { type: 'FormGroup'; data: GroupDetails; metadata: CommandMetadata }
  | { type: 'ChangeGroup'; data: { changes: GroupChanges }; metadata: CommandMetadata }
  | { type: 'CloseGroup'; data: { reason: GroupClosureReason }; metadata: CommandMetadata }
  | { type: 'RescheduleSession'; data: { sessionId: string; startsAt: string }; metadata: CommandMetadata }
  | { type: 'CancelSession'; data: { sessionId: string; reason: SessionCancellationReason }; metadata: CommandMetadata }
  | {
      type: 'RecordAttendance';
      data: { sessionId: string; memberId: string; status: AttendanceStatus; member: RosterMember | null };
      metadata: CommandMetadata;
    }
  | {
      type: 'CorrectAttendance';
      data: { sessionId: string; memberId: string; status: AttendanceStatus };
      metadata: CommandMetadata;
    }
  | { type: 'SaveGroupSession'; data: GroupSessionSheet; metadata: CommandMetadata };

/** One member's line on the facilitator's group-session sheet: attendance, and optionally a short note. */
export interface GroupSessionEntry {
  memberId: string;
  status: AttendanceStatus;
  /** Absent: the note stays as it is; '' clears it. */
  note?: string;
}

/** The whole sheet of one session, saved at once: every entry is decided, or none is. */
export interface GroupSessionSheet {
  sessionId: string;
  entries: GroupSessionEntry[];
  /** The roster entries of the members named, as the use case found them (null: not on the roster). */
  members: Record<string, RosterMember | null>;
  /** The staff id of the facilitator saving the sheet. */
  writtenBy: string;
}

/** A session note is a few sentences for the care team, not a progress note: short, printable text. */
export const SESSION_NOTE_MAX_LENGTH = 500;
/** Printable text and line breaks; no other control characters (they hide text in logs and on screens). */
export const SESSION_NOTE_PATTERN = /^(?:[^\p{Cc}]|\n)*$/u;

export function isValidSessionNote(note: unknown): note is string {
  return typeof note === 'string' && note.length <= SESSION_NOTE_MAX_LENGTH && SESSION_NOTE_PATTERN.test(note);
}

// Events -----------------------------------------------------------------------------------------

export interface SessionFacts {
  groupId: string;
  sessionId: string;
  sequence: number;
  startsAt: string;
  endsAt: string;
  timeZone: string;
}

export interface AttendanceFacts {
  groupId: string;
  memberId: string;
  sessionId: string;
  sessionStartsAt: string;
  status: AttendanceStatus;
  sessionsAttended: number;
}

export type GroupEvent =
  | { type: 'GroupFormed'; data: GroupDetails & { formedAt: string } }
  | { type: 'GroupChanged'; data: GroupDetails & { changedFields: string[]; changedAt: string } }
  | { type: 'GroupClosed'; data: { groupId: string; reason: GroupClosureReason; closedAt: string } }
  | { type: 'SessionScheduled'; data: SessionFacts }
  | { type: 'SessionRescheduled'; data: SessionFacts & { previousStartsAt: string; previousEndsAt: string } }
  | { type: 'SessionCancelled'; data: SessionFacts & { reason: SessionCancellationReason } }
  | { type: 'AttendanceRecorded'; data: AttendanceFacts & { recordedAt: string } }
  | { type: 'AttendanceCorrected'; data: AttendanceFacts & { previousStatus: AttendanceStatus; correctedAt: string } }
  /** Free text about one member in one session: kept inside scheduling, never published (see toIntegrationEvent). */
  | {
      type: 'SessionNoteWritten';
      data: {
        groupId: string;
        sessionId: string;
        memberId: string;
        note: string;
        writtenBy: string;
        writtenAt: string;
      };
    }
  | {
      type: 'DoseReached';
      data: { groupId: string; memberId: string; sessionsAttended: number; doseSessions: number; reachedAt: string };
    }
  | {
      type: 'OffTrackForDose';
      data: {
        groupId: string;
        memberId: string;
        sessionsAttended: number;
        sessionsHeld: number;
        sessionsRemaining: number;
        doseSessions: number;
        reason: 'unreachable' | 'unlikely-at-current-rate';
        assessedAt: string;
      };
    };

// State ------------------------------------------------------------------------------------------

export interface MemberAttendance {
  bySession: Record<string, AttendanceStatus>;
  doseReached: boolean;
  offTrackReported: boolean;
}

export type GroupState =
  | { status: 'none' }
  | {
      status: 'active' | 'closed';
      details: GroupDetails;
      sessions: Session[];
      attendance: Record<string, MemberAttendance>;
      /** sessionId → memberId → the latest note ('' once cleared). */
      notes: Record<string, Record<string, SessionNote>>;
    };

export interface SessionNote {
  note: string;
  writtenBy: string;
  writtenAt: string;
}

export const groupStreamId = (groupId: string) => `group-${groupId}`;

export const ATTENDED: ReadonlySet<AttendanceStatus> = new Set(['attended-in-person', 'attended-online']);

export function sessionsAttended(attendance: MemberAttendance | undefined): number {
  return attendance ? Object.values(attendance.bySession).filter((status) => ATTENDED.has(status)).length : 0;
}
