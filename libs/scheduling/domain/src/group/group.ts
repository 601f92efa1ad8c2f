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
    };

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
    };

export const groupStreamId = (groupId: string) => `group-${groupId}`;

export const ATTENDED: ReadonlySet<AttendanceStatus> = new Set(['attended-in-person', 'attended-online']);

export function sessionsAttended(attendance: MemberAttendance | undefined): number {
  return attendance ? Object.values(attendance.bySession).filter((status) => ATTENDED.has(status)).length : 0;
}
