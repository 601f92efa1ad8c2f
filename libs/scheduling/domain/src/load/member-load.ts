import type { CommandMetadata } from '@carecircle/shared-kernel';

export type TherapeuticContactKind = 'cbt' | 'psychiatry' | 'palliative' | 'individual-counseling';
export type LoadContactKind = 'group-session' | TherapeuticContactKind;
export const LOAD_CONTACT_KINDS: readonly LoadContactKind[] = ['group-session', 'cbt', 'psychiatry', 'palliative', 'individual-counseling'];

export interface ContactTime {
  start: string;
  end: string;
}

/** A group session the member is expected at, as the use case reads it from the member's groups. */
export interface GroupSessionSlot extends ContactTime {
  groupId: string;
  sessionId: string;
}

export interface TherapeuticContact extends ContactTime {
  contactId: string;
  kind: TherapeuticContactKind;
}

// Commands ---------------------------------------------------------------------------------------

export type MemberLoadCommand =
  | { type: 'BookContact'; data: { memberId: string; contact: TherapeuticContact; groupSessions: GroupSessionSlot[] }; metadata: CommandMetadata }
  | { type: 'ChangeContact'; data: { memberId: string; contactId: string; time: ContactTime; groupSessions: GroupSessionSlot[] }; metadata: CommandMetadata }
  | { type: 'CancelContact'; data: { memberId: string; contactId: string; groupSessions: GroupSessionSlot[] }; metadata: CommandMetadata }
  /**
   * The member's group sessions changed (a session moved or was cancelled, the member joined a group):
   * republish the busiest window around `anchors` and report clashes with the `affectedSessionIds`.
   * Idempotent: an unchanged load and conflicts already reported produce nothing.
   */
  | { type: 'ReassessLoad'; data: { memberId: string; groupSessions: GroupSessionSlot[]; anchors: ContactTime[]; affectedSessionIds: string[] }; metadata: CommandMetadata };

// Events -----------------------------------------------------------------------------------------

export interface LoadSnapshot {
  windowStart: string;
  windowEnd: string;
  contacts: number;
  byKind: Record<LoadContactKind, number>;
  cap: number;
  overCap: boolean;
}

export type MemberLoadEvent =
  | { type: 'TherapeuticContactBooked'; data: TherapeuticContact & { memberId: string; bookedAt: string } }
  | { type: 'TherapeuticContactChanged'; data: TherapeuticContact & { memberId: string; previousStart: string; previousEnd: string; changedAt: string } }
  | { type: 'TherapeuticContactCancelled'; data: TherapeuticContact & { memberId: string; cancelledAt: string } }
  | { type: 'TherapeuticLoadChanged'; data: LoadSnapshot & { memberId: string; changedAt: string } }
  | {
      type: 'SchedulingConflictDetected';
      data: {
        memberId: string;
        groupId: string;
        sessionId: string;
        sessionStartsAt: string;
        sessionEndsAt: string;
        contactId: string;
        contactKind: TherapeuticContactKind;
        contactStart: string;
        contactEnd: string;
        conflict: 'overlap' | 'too-close';
        gapMinutes: number;
        windowMinutes: number;
        detectedAt: string;
      };
    };

// State ------------------------------------------------------------------------------------------

export interface MemberLoadState {
  contacts: Record<string, TherapeuticContact & { status: 'booked' | 'cancelled' }>;
  /** The last load published, so a reassessment that finds it unchanged stays silent. */
  lastLoad: LoadSnapshot | null;
  /** Conflicts already published (see `conflictKey`), so none is reported twice. */
  reportedConflicts: Record<string, true>;
}

/** One clash of one contact (at its time) with one group session (at its time). */
export const conflictKey = (c: { contactId: string; contactStart: string; sessionId: string; sessionStartsAt: string }) =>
  `${c.contactId}@${c.contactStart}|${c.sessionId}@${c.sessionStartsAt}`;

export const memberLoadStreamId = (memberId: string) => `member-load-${memberId}`;
