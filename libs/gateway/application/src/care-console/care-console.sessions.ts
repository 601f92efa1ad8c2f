import type { Checked } from './care-console.alerts';

export const ATTENDANCE_STATUSES = ['attended-in-person', 'attended-online', 'absent', 'excused'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** Scheduling's group calendar (sessions with their attendance), as much of it as the console reads. */
export interface GroupCalendar {
  group: { groupId: string; status?: string; groupType?: string; modality?: string; timeZone?: string };
  sessions: {
    sessionId: string;
    startsAt: string;
    endsAt: string;
    status: string;
    attendance: { memberId: string; status: string }[];
  }[];
}

/** Scheduling's roster of a group. */
export interface GroupRoster {
  groupId: string;
  members: { memberId: string; status: string }[];
}

export interface DoseProgress {
  memberId: string;
  /** Sessions attended in person or online. */
  attended: number;
  /** Sessions of the course that have started (not cancelled). */
  held: number;
  /** Sessions that make a dose (DOMAIN.md: 6). */
  dose: number;
  doseReached: boolean;
}

const ATTENDED = new Set(['attended-in-person', 'attended-online']);

const enrolled = (roster: GroupRoster) =>
  roster.members.filter((member) => member.status === 'enrolled').map((member) => member.memberId);

/** Each enrolled member's progress towards the dose, e.g. "4 of 6 sessions". */
export function rosterDoseProgress(
  roster: GroupRoster,
  calendar: GroupCalendar,
  doseSessions: number,
  now: Date,
): DoseProgress[] {
  const held = calendar.sessions.filter(
    (session) => session.status !== 'cancelled' && Date.parse(session.startsAt) <= now.getTime(),
  ).length;
  return enrolled(roster).map((memberId) => {
    const attended = calendar.sessions.filter((session) =>
      session.attendance.some((a) => a.memberId === memberId && ATTENDED.has(a.status)),
    ).length;
    return { memberId, attended, held, dose: doseSessions, doseReached: attended >= doseSessions };
  });
}

export interface SessionSummary {
  sessionId: string;
  startsAt: string;
  status: string;
  started: boolean;
  /** Members with attendance recorded for it. */
  recorded: number;
}

/** The sessions a facilitator takes attendance for: the latest ones that have started, newest first, then the next one. */
export function sessionsToAttend(calendar: GroupCalendar, now: Date, latest = 3): SessionSummary[] {
  const summary = (session: GroupCalendar['sessions'][number]): SessionSummary => ({
    sessionId: session.sessionId,
    startsAt: session.startsAt,
    status: session.status,
    started: Date.parse(session.startsAt) <= now.getTime(),
    recorded: session.attendance.length,
  });
  const scheduled = calendar.sessions.filter((session) => session.status !== 'cancelled').map(summary);
  const started = scheduled
    .filter((session) => session.started)
    .reverse()
    .slice(0, latest);
  const next = scheduled.find((session) => !session.started);
  return next ? [...started, next] : started;
}

export interface AttendanceSheet {
  groupId: string;
  session: { sessionId: string; startsAt: string; endsAt: string; status: string; started: boolean };
  members: { memberId: string; status: AttendanceStatus | null }[];
}

/** One session's attendance sheet: every enrolled member with what is recorded so far (null: nothing yet). */
export function attendanceSheet(
  roster: GroupRoster,
  calendar: GroupCalendar,
  sessionId: string,
  now: Date,
): AttendanceSheet | undefined {
  const session = calendar.sessions.find((candidate) => candidate.sessionId === sessionId);
  if (!session) return undefined;
  const recorded = new Map(session.attendance.map((a) => [a.memberId, a.status as AttendanceStatus]));
  return {
    groupId: calendar.group.groupId,
    session: {
      sessionId,
      startsAt: session.startsAt,
      endsAt: session.endsAt,
      status: session.status,
      started: Date.parse(session.startsAt) <= now.getTime(),
    },
    members: enrolled(roster).map((memberId) => ({ memberId, status: recorded.get(memberId) ?? null })),
  };
}

export interface AttendanceWrite {
  memberId: string;
  status: AttendanceStatus;
  /** First record, or a correction of what was recorded. */
  kind: 'record' | 'correct';
}

/**
 * The submitted sheet, checked against the roster: every entry names an enrolled member once, with one of
 * the four statuses. Returns what to send to scheduling (unchanged entries are skipped).
 */
export function attendanceWrites(body: unknown, sheet: AttendanceSheet): Checked<AttendanceWrite[]> {
  const entries = (body as { entries?: unknown } | null)?.entries;
  if (!Array.isArray(entries) || entries.length === 0)
    return { ok: false, field: 'entries', message: 'entries must list at least one member’s attendance' };
  const current = new Map(sheet.members.map((member) => [member.memberId, member.status]));
  const seen = new Set<string>();
  const writes: AttendanceWrite[] = [];
  for (const [index, entry] of entries.entries()) {
    const { memberId, status } = (entry ?? {}) as { memberId?: unknown; status?: unknown };
    if (typeof memberId !== 'string' || !current.has(memberId))
      return {
        ok: false,
        field: `entries[${index}].memberId`,
        message: `entries[${index}].memberId must be a member on this group’s roster`,
      };
    if (seen.has(memberId))
      return { ok: false, field: `entries[${index}].memberId`, message: `entries[${index}].memberId appears twice` };
    seen.add(memberId);
    if (!ATTENDANCE_STATUSES.includes(status as AttendanceStatus))
      return {
        ok: false,
        field: `entries[${index}].status`,
        message: `entries[${index}].status must be one of ${ATTENDANCE_STATUSES.join(', ')}`,
      };
    const previous = current.get(memberId);
    if (previous === status) continue;
    writes.push({ memberId, status: status as AttendanceStatus, kind: previous === null ? 'record' : 'correct' });
  }
  return { ok: true, value: writes };
}
