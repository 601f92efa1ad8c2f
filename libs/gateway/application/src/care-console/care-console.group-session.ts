import type { Checked } from './care-console.alerts';
import {
  ATTENDANCE_STATUSES,
  attendanceSheet,
  rosterDoseProgress,
  type AttendanceSheet,
  type AttendanceStatus,
  type DoseProgress,
  type GroupCalendar,
  type GroupRoster,
} from './care-console.sessions';

/** Scheduling's limits for a session note (SESSION_NOTE_MAX_LENGTH there), checked here before anything is forwarded. */
export const SESSION_NOTE_MAX_LENGTH = 500;
const NOTE_TEXT = /^(?:[^\p{Cc}]|\n)*$/u;
/** A group has at most 12 seats; a sheet longer than this is not a sheet. */
const MAX_ENTRIES = 64;

/** Scheduling's notes of one session. */
export interface SessionNotes {
  notes: { memberId: string; note: string; writtenAt: string }[];
}

/** The facilitator's group-session screen: the attendance sheet with each member's note and dose progress. */
export interface GroupSessionView {
  groupId: string;
  session: AttendanceSheet['session'];
  members: {
    memberId: string;
    status: AttendanceStatus | null;
    note: string;
    dose: Pick<DoseProgress, 'attended' | 'dose' | 'doseReached'>;
  }[];
}

export function groupSessionView(
  roster: GroupRoster,
  calendar: GroupCalendar,
  notes: SessionNotes,
  sessionId: string,
  doseSessions: number,
  now: Date,
): GroupSessionView | undefined {
  const sheet = attendanceSheet(roster, calendar, sessionId, now);
  if (!sheet) return undefined;
  const doses = new Map(
    rosterDoseProgress(roster, calendar, doseSessions, now).map((progress) => [progress.memberId, progress]),
  );
  const written = new Map(notes.notes.map((note) => [note.memberId, note.note]));
  return {
    groupId: sheet.groupId,
    session: sheet.session,
    members: sheet.members.map(({ memberId, status }) => {
      const dose = doses.get(memberId);
      return {
        memberId,
        status,
        note: written.get(memberId) ?? '',
        dose: { attended: dose?.attended ?? 0, dose: doseSessions, doseReached: dose?.doseReached ?? false },
      };
    }),
  };
}

export interface GroupSessionEntry {
  memberId: string;
  status: AttendanceStatus;
  note?: string;
}

/**
 * The submitted sheet, checked strictly against the session's roster: an object with `entries`, each an
 * enrolled member once, one of the four statuses, and optionally a note of printable text within the
 * limit. Messages name the field, never what was typed into it.
 */
export function groupSessionEntries(body: unknown, view: GroupSessionView): Checked<GroupSessionEntry[]> {
  if (!isRecord(body) || Object.keys(body).some((key) => key !== 'entries'))
    return { ok: false, field: 'body', message: 'The body must be an object with entries only' };
  const { entries } = body;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES)
    return { ok: false, field: 'entries', message: `entries must list 1 to ${MAX_ENTRIES} members` };
  const onRoster = new Set(view.members.map((member) => member.memberId));
  const seen = new Set<string>();
  const checked: GroupSessionEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    const field = `entries[${index}]`;
    if (!isRecord(entry) || Object.keys(entry).some((key) => !['memberId', 'status', 'note'].includes(key)))
      return { ok: false, field, message: `${field} must have memberId, status and optionally note` };
    const { memberId, status, note } = entry;
    if (typeof memberId !== 'string' || !onRoster.has(memberId))
      return { ok: false, field: `${field}.memberId`, message: `${field}.memberId must be a member on this roster` };
    if (seen.has(memberId))
      return { ok: false, field: `${field}.memberId`, message: `${field}.memberId appears twice` };
    seen.add(memberId);
    if (!ATTENDANCE_STATUSES.includes(status as AttendanceStatus))
      return {
        ok: false,
        field: `${field}.status`,
        message: `${field}.status must be one of ${ATTENDANCE_STATUSES.join(', ')}`,
      };
    if (
      note !== undefined &&
      (typeof note !== 'string' || note.length > SESSION_NOTE_MAX_LENGTH || !NOTE_TEXT.test(note))
    )
      return {
        ok: false,
        field: `${field}.note`,
        message: `${field}.note must be text of at most ${SESSION_NOTE_MAX_LENGTH} characters, line breaks allowed`,
      };
    checked.push({ memberId, status: status as AttendanceStatus, ...(note === undefined ? {} : { note }) });
  }
  return { ok: true, value: checked };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
