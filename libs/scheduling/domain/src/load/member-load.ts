import type { CommandMetadata } from '@carecircle/shared-kernel';

export type TherapeuticContactKind = 'cbt' | 'psychiatry' | 'palliative' | 'individual-counseling';
export type LoadContactKind = 'group-session' | TherapeuticContactKind;
export const LOAD_CONTACT_KINDS: readonly LoadContactKind[] = [
  'group-session',
  'cbt',
  'psychiatry',
  'palliative',
  'individual-counseling',
];

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
  | {
      type: 'BookContact';
      data: { memberId: string; contact: TherapeuticContact; groupSessions: GroupSessionSlot[] };
      metadata: CommandMetadata;
    }
  | {
      type: 'ChangeContact';
      data: { memberId: string; contactId: string; time: ContactTime; groupSessions: GroupSessionSlot[] };
      metadata: CommandMetadata;
    }
  | {
      type: 'CancelContact';
      data: { memberId: string; contactId: string; groupSessions: GroupSessionSlot[] };
      metadata: CommandMetadata;
    }
  /**
   * The member's group sessions changed (a session moved or was cancelled, the member joined or left
   * a group): republish the busiest window around `anchors`, report clashes with the
   * `affectedSessionIds`, and resolve reported clashes and over-cap windows that no longer hold.
   * `groupSessions` are the sessions that count for the member (see `sessionsWhileMember`).
   * Idempotent: an unchanged load, conflicts already reported and nothing newly resolved produce nothing.
   */
  | {
      type: 'ReassessLoad';
      data: {
        memberId: string;
        groupSessions: GroupSessionSlot[];
        anchors: ContactTime[];
        affectedSessionIds: string[];
      };
      metadata: CommandMetadata;
    };

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
  | {
      type: 'TherapeuticContactChanged';
      data: TherapeuticContact & { memberId: string; previousStart: string; previousEnd: string; changedAt: string };
    }
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
    }
  | { type: 'SchedulingConflictResolved'; data: ReportedConflict & { memberId: string; resolvedAt: string } }
  | {
      type: 'TherapeuticOverloadResolved';
      data: LoadWindow & { memberId: string; contacts: number; cap: number; resolvedAt: string };
    };

// State ------------------------------------------------------------------------------------------

export interface MemberLoadState {
  contacts: Record<string, TherapeuticContact & { status: 'booked' | 'cancelled' }>;
  /** The last load published, so a reassessment that finds it unchanged stays silent. */
  lastLoad: LoadSnapshot | null;
  /** Conflicts published and not resolved (see `conflictKey`), so none is reported twice and each is resolved once. */
  reportedConflicts: Record<string, ReportedConflict>;
  /** Windows published over the cap and not resolved, by window start. */
  openOverloads: Record<string, LoadWindow>;
}

/** What identifies a reported clash: the contact and the session, each at the time it was reported. */
export interface ReportedConflict {
  groupId: string;
  sessionId: string;
  sessionStartsAt: string;
  contactId: string;
  contactKind: TherapeuticContactKind;
  contactStart: string;
}

/** A rolling load window, [windowStart, windowEnd). */
export interface LoadWindow {
  windowStart: string;
  windowEnd: string;
}

/** The member's place in one group, as the roster knows it; `withdrawnAt` is null while enrolled. */
export interface GroupMembership {
  groupId: string;
  withdrawnAt: string | null;
}

/** One clash of one contact (at its time) with one group session (at its time). */
export const conflictKey = (c: {
  contactId: string;
  contactStart: string;
  sessionId: string;
  sessionStartsAt: string;
}) => `${c.contactId}@${c.contactStart}|${c.sessionId}@${c.sessionStartsAt}`;

/**
 * The group sessions that count in the member's load: every session of a group they are enrolled
 * in, and those of a group they left that started before they left it (what they attended stays
 * in the windows it fell in; what comes after is no longer theirs).
 */
export function sessionsWhileMember(
  sessions: readonly GroupSessionSlot[],
  memberships: readonly GroupMembership[],
): GroupSessionSlot[] {
  const byGroup = new Map(memberships.map((m) => [m.groupId, m]));
  return sessions.filter((s) => {
    const membership = byGroup.get(s.groupId);
    return (
      membership !== undefined &&
      (membership.withdrawnAt === null || Date.parse(s.start) < Date.parse(membership.withdrawnAt))
    );
  });
}

export const memberLoadStreamId = (memberId: string) => `member-load-${memberId}`;
