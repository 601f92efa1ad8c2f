import { domainError, type Decider, type DomainError } from '@carecircle/shared-kernel';
import type { SchedulingPolicy } from '../policy/scheduling-policy';
import { isKnownTimeZone, planCourseSessions, sessionIdFor, shiftSession } from './course-sessions';
import {
  isValidSessionNote,
  sessionsAttended,
  SESSION_NOTE_MAX_LENGTH,
  type AttendanceStatus,
  type GroupSessionSheet,
  type GroupChanges,
  type GroupCommand,
  type GroupDetails,
  type GroupEvent,
  type GroupClosureReason,
  type SessionCancellationReason,
  type GroupState,
  type MemberAttendance,
  type RosterMember,
  type Session,
  type SessionFacts,
} from './group';

type Active = Extract<GroupState, { status: 'active' | 'closed' }>;
type Outcome = readonly GroupEvent[] | DomainError;

/** A group's whole life: formation, its course of sessions, attendance and each member's dose. */
export function groupDecider(
  policy: Pick<SchedulingPolicy, 'doseSessions'>,
): Decider<GroupCommand, GroupEvent, GroupState> {
  return {
    initialState: { status: 'none' },
    decide(command, state) {
      if (command.type === 'FormGroup') return formGroup(command.data, command.metadata.now, state);
      if (state.status === 'none')
        return domainError('not-found', 'scheduling.group-unknown', 'No group with this id has been formed.');
      const now = command.metadata.now.toISOString();
      switch (command.type) {
        case 'ChangeGroup':
          return ifActive(state, () => changeGroup(state, command.data.changes, now));
        case 'CloseGroup':
          return state.status === 'closed' ? [] : closeGroup(state, command.data.reason, now);
        case 'RescheduleSession':
          return ifActive(state, () => rescheduleSession(state, command.data, now));
        case 'CancelSession':
          return ifActive(state, () => cancelSession(state, command.data, now));
        case 'RecordAttendance':
          return recordAttendance(state, command.data, now, policy.doseSessions);
        case 'CorrectAttendance':
          return correctAttendance(state, command.data, now, policy.doseSessions);
        case 'SaveGroupSession':
          return saveGroupSession(state, command.data, now, policy.doseSessions);
      }
    },
    evolve,
  };
}

function evolve(state: GroupState, event: GroupEvent): GroupState {
  switch (event.type) {
    case 'GroupFormed': {
      const { formedAt: _formedAt, ...details } = event.data;
      return { status: 'active', details, sessions: [], attendance: {}, notes: {} };
    }
    case 'GroupChanged': {
      if (state.status === 'none') return state;
      const { changedFields: _fields, changedAt: _at, ...details } = event.data;
      return { ...state, details };
    }
    case 'GroupClosed':
      return state.status === 'none' ? state : { ...state, status: 'closed' };
    case 'SessionScheduled':
      return withSession(state, {
        sessionId: event.data.sessionId,
        sequence: event.data.sequence,
        startsAt: event.data.startsAt,
        endsAt: event.data.endsAt,
        status: 'scheduled',
        revision: 0,
      });
    case 'SessionRescheduled':
      return withSession(state, {
        sessionId: event.data.sessionId,
        sequence: event.data.sequence,
        startsAt: event.data.startsAt,
        endsAt: event.data.endsAt,
        status: 'scheduled',
        revision: nextRevision(state, event.data.sessionId),
      });
    case 'SessionCancelled':
      return withSession(state, {
        sessionId: event.data.sessionId,
        sequence: event.data.sequence,
        startsAt: event.data.startsAt,
        endsAt: event.data.endsAt,
        status: 'cancelled',
        revision: nextRevision(state, event.data.sessionId),
      });
    case 'AttendanceRecorded':
    case 'AttendanceCorrected':
      return withAttendance(state, event.data.memberId, (a) => ({
        ...a,
        bySession: { ...a.bySession, [event.data.sessionId]: event.data.status },
      }));
    case 'SessionNoteWritten': {
      if (state.status === 'none') return state;
      const { sessionId, memberId, note, writtenBy, writtenAt } = event.data;
      const session = { ...state.notes[sessionId], [memberId]: { note, writtenBy, writtenAt } };
      return { ...state, notes: { ...state.notes, [sessionId]: session } };
    }
    case 'DoseReached':
      return withAttendance(state, event.data.memberId, (a) => ({ ...a, doseReached: true }));
    case 'OffTrackForDose':
      return withAttendance(state, event.data.memberId, (a) => ({ ...a, offTrackReported: true }));
  }
}

/** Each reschedule or cancellation is a new revision of the session (the iCalendar SEQUENCE). */
function nextRevision(state: GroupState, sessionId: string): number {
  return state.status === 'none' ? 0 : (state.sessions.find((s) => s.sessionId === sessionId)?.revision ?? 0) + 1;
}

function withSession(state: GroupState, session: Session): GroupState {
  if (state.status === 'none') return state;
  const others = state.sessions.filter((s) => s.sessionId !== session.sessionId);
  return { ...state, sessions: [...others, session].sort((a, b) => a.sequence - b.sequence) };
}

function withAttendance(
  state: GroupState,
  memberId: string,
  change: (a: MemberAttendance) => MemberAttendance,
): GroupState {
  if (state.status === 'none') return state;
  const current = state.attendance[memberId] ?? { bySession: {}, doseReached: false, offTrackReported: false };
  return { ...state, attendance: { ...state.attendance, [memberId]: change(current) } };
}

function ifActive(state: Active, decide: () => Outcome): Outcome {
  return state.status === 'closed'
    ? domainError('conflict', 'scheduling.group-closed', 'The group is closed; its course can no longer change.')
    : decide();
}

// Formation and changes ----------------------------------------------------------------------------

function formGroup(details: GroupDetails, now: Date, state: GroupState): Outcome {
  if (state.status !== 'none') {
    return sameDetails(state.details, details)
      ? []
      : domainError('conflict', 'scheduling.group-exists', 'A different group was already formed under this group id.');
  }
  const invalid = detailsViolation(details);
  if (invalid) return invalid;
  const sessions: GroupEvent[] = planCourseSessions(details).map((planned) => ({
    type: 'SessionScheduled',
    data: {
      groupId: details.groupId,
      sessionId: sessionIdFor(details.groupId, planned.sequence),
      timeZone: details.timeZone,
      ...planned,
    },
  }));
  return [{ type: 'GroupFormed', data: { ...details, formedAt: now.toISOString() } }, ...sessions];
}

function detailsViolation(details: GroupDetails): DomainError | null {
  if (!isKnownTimeZone(details.timeZone))
    return domainError(
      'rule-violation',
      'scheduling.unknown-time-zone',
      'The time zone is not a known IANA time zone.',
    );
  if (details.ageBand.min > details.ageBand.max)
    return domainError('rule-violation', 'scheduling.age-band-inverted', 'The age band must not end before it starts.');
  if (details.modality !== 'online' && !details.locationId)
    return domainError(
      'rule-violation',
      'scheduling.location-required',
      'In-person and hybrid groups need a location.',
    );
  if (details.modality !== 'in-person' && !details.videoLink)
    return domainError(
      'rule-violation',
      'scheduling.video-link-required',
      'Online and hybrid groups need a video link.',
    );
  return null;
}

function changeGroup(state: Active, changes: GroupChanges, now: string): Outcome {
  const changedFields = (Object.keys(changes) as (keyof GroupChanges)[]).filter(
    (key) => changes[key] !== undefined && canonical(changes[key]) !== canonical(state.details[key]),
  );
  if (changedFields.length === 0) return [];
  const details: GroupDetails = {
    ...state.details,
    ...Object.fromEntries(changedFields.map((key) => [key, changes[key]])),
  };
  const invalid = detailsViolation(details);
  if (invalid) return invalid;
  return [{ type: 'GroupChanged', data: { ...details, changedFields, changedAt: now } }];
}

function closeGroup(state: Active, reason: GroupClosureReason, now: string): Outcome {
  const upcoming = state.sessions.filter((s) => s.status === 'scheduled' && s.startsAt > now);
  return [
    ...upcoming.map((s): GroupEvent => ({
      type: 'SessionCancelled',
      data: { ...sessionFacts(state, s), reason: 'group-closed' },
    })),
    { type: 'GroupClosed', data: { groupId: state.details.groupId, reason, closedAt: now } },
  ];
}

// Sessions ---------------------------------------------------------------------------------------------

function sessionFacts(state: Active, session: Session): SessionFacts {
  return {
    groupId: state.details.groupId,
    sessionId: session.sessionId,
    sequence: session.sequence,
    startsAt: session.startsAt,
    endsAt: session.endsAt,
    timeZone: state.details.timeZone,
  };
}

function findSession(state: Active, sessionId: string): Session | DomainError {
  return (
    state.sessions.find((s) => s.sessionId === sessionId) ??
    domainError('not-found', 'scheduling.session-unknown', 'The group has no session with this id.')
  );
}

function rescheduleSession(state: Active, data: { sessionId: string; startsAt: string }, now: string): Outcome {
  const session = findSession(state, data.sessionId);
  if ('kind' in session) return session;
  const moved = shiftSession(data.startsAt, state.details.sessionMinutes);
  if (session.status === 'cancelled')
    return domainError('conflict', 'scheduling.session-cancelled', 'A cancelled session cannot be rescheduled.');
  if (moved.startsAt === session.startsAt) return [];
  if (session.startsAt <= now || moved.startsAt <= now)
    return domainError(
      'rule-violation',
      'scheduling.session-in-past',
      'Only future sessions can be moved, and only to a future time.',
    );
  return [
    {
      type: 'SessionRescheduled',
      data: {
        ...sessionFacts(state, session),
        ...moved,
        previousStartsAt: session.startsAt,
        previousEndsAt: session.endsAt,
      },
    },
  ];
}

function cancelSession(
  state: Active,
  data: { sessionId: string; reason: SessionCancellationReason },
  now: string,
): Outcome {
  const session = findSession(state, data.sessionId);
  if ('kind' in session) return session;
  if (session.status === 'cancelled') return [];
  if (session.endsAt <= now)
    return domainError(
      'rule-violation',
      'scheduling.session-in-past',
      'A session that already took place cannot be cancelled.',
    );
  return [{ type: 'SessionCancelled', data: { ...sessionFacts(state, session), reason: data.reason } }];
}

// Attendance and dose ----------------------------------------------------------------------------------

function recordAttendance(
  state: Active,
  data: { sessionId: string; memberId: string; status: AttendanceStatus; member: RosterMember | null },
  now: string,
  dose: number,
): Outcome {
  const session = attendableSession(state, data.sessionId, now);
  if ('kind' in session) return session;
  const previous = state.attendance[data.memberId]?.bySession[data.sessionId];
  if (previous !== undefined) {
    return previous === data.status
      ? []
      : domainError(
          'conflict',
          'scheduling.attendance-already-recorded',
          'Attendance for this session is already recorded; send a correction instead.',
        );
  }
  if (!data.member || data.member.status !== 'enrolled')
    return domainError('rule-violation', 'scheduling.not-on-roster', "The member is not on this group's roster.");
  const firstSession = state.sessions[0];
  if (state.details.openness === 'closed' && firstSession && data.member.enrolledAt > firstSession.startsAt) {
    return domainError(
      'rule-violation',
      'scheduling.closed-roster',
      'The group is closed: its roster was fixed at its first session.',
    );
  }
  const attendance = withStatus(state.attendance[data.memberId], data.sessionId, data.status);
  const facts = {
    groupId: state.details.groupId,
    memberId: data.memberId,
    sessionId: session.sessionId,
    sessionStartsAt: session.startsAt,
    status: data.status,
    sessionsAttended: sessionsAttended(attendance),
  };
  return [
    { type: 'AttendanceRecorded', data: { ...facts, recordedAt: now } },
    ...doseEvents(state, session, data.memberId, attendance, now, dose),
  ];
}

function correctAttendance(
  state: Active,
  data: { sessionId: string; memberId: string; status: AttendanceStatus },
  now: string,
  dose: number,
): Outcome {
  const session = findSession(state, data.sessionId);
  if ('kind' in session) return session;
  const previous = state.attendance[data.memberId]?.bySession[data.sessionId];
  if (previous === undefined)
    return domainError(
      'not-found',
      'scheduling.attendance-unknown',
      'No attendance was recorded for this member and session.',
    );
  if (previous === data.status) return [];
  const attendance = withStatus(state.attendance[data.memberId], data.sessionId, data.status);
  const facts = {
    groupId: state.details.groupId,
    memberId: data.memberId,
    sessionId: session.sessionId,
    sessionStartsAt: session.startsAt,
    status: data.status,
    sessionsAttended: sessionsAttended(attendance),
  };
  return [
    { type: 'AttendanceCorrected', data: { ...facts, previousStatus: previous, correctedAt: now } },
    ...doseEvents(state, session, data.memberId, attendance, now, dose),
  ];
}

/**
 * The facilitator's whole sheet for one session: each member's attendance recorded (or corrected where it
 * changed) exactly as single records and corrections would be, so the dose counts the same, plus the notes
 * that changed. One refusal refuses the sheet: it is saved whole or not at all.
 */
function saveGroupSession(state: Active, sheet: GroupSessionSheet, now: string, dose: number): Outcome {
  if (sheet.entries.length === 0)
    return domainError('rule-violation', 'scheduling.sheet-empty', 'The sheet names no member.');
  const memberIds = sheet.entries.map((entry) => entry.memberId);
  if (new Set(memberIds).size !== memberIds.length)
    return domainError('rule-violation', 'scheduling.sheet-member-twice', 'The sheet names a member twice.');
  if (sheet.entries.some((entry) => entry.note !== undefined && !isValidSessionNote(entry.note)))
    return domainError(
      'rule-violation',
      'scheduling.note-invalid',
      `A note is at most ${SESSION_NOTE_MAX_LENGTH} characters of text and line breaks.`,
    );
  const session = attendableSession(state, sheet.sessionId, now);
  if ('kind' in session) return session;
  const events: GroupEvent[] = [];
  let current: Active = state;
  for (const entry of sheet.entries) {
    const previous = current.attendance[entry.memberId]?.bySession[sheet.sessionId];
    const attendance =
      previous === undefined
        ? recordAttendance(
            current,
            { ...entry, sessionId: sheet.sessionId, member: sheet.members[entry.memberId] ?? null },
            now,
            dose,
          )
        : correctAttendance(current, { ...entry, sessionId: sheet.sessionId }, now, dose);
    if ('kind' in attendance) return attendance;
    const written = current.notes[sheet.sessionId]?.[entry.memberId]?.note ?? '';
    const note: GroupEvent[] =
      entry.note === undefined || entry.note === written
        ? []
        : [
            {
              type: 'SessionNoteWritten',
              data: {
                groupId: state.details.groupId,
                sessionId: sheet.sessionId,
                memberId: entry.memberId,
                note: entry.note,
                writtenBy: sheet.writtenBy,
                writtenAt: now,
              },
            },
          ];
    events.push(...attendance, ...note);
    current = [...attendance, ...note].reduce((folded, event) => evolve(folded, event) as Active, current);
  }
  return events;
}

function attendableSession(state: Active, sessionId: string, now: string): Session | DomainError {
  const session = findSession(state, sessionId);
  if ('kind' in session) return session;
  if (session.status === 'cancelled')
    return domainError(
      'conflict',
      'scheduling.session-cancelled',
      'Attendance cannot be recorded for a cancelled session.',
    );
  if (session.startsAt > now)
    return domainError(
      'rule-violation',
      'scheduling.session-not-started',
      'Attendance can be recorded once the session has started.',
    );
  return session;
}

function withStatus(
  attendance: MemberAttendance | undefined,
  sessionId: string,
  status: AttendanceStatus,
): MemberAttendance {
  const current = attendance ?? { bySession: {}, doseReached: false, offTrackReported: false };
  return { ...current, bySession: { ...current.bySession, [sessionId]: status } };
}

/**
 * DoseReached the first time attended sessions hit the dose. From the course midpoint on, OffTrackForDose
 * (once) when the dose is out of reach even attending every remaining session, or when the member's
 * rate so far, kept up over the whole course, falls short of it.
 */
function doseEvents(
  state: Active,
  session: Session,
  memberId: string,
  attendance: MemberAttendance,
  now: string,
  dose: number,
): GroupEvent[] {
  const attended = sessionsAttended(attendance);
  const groupId = state.details.groupId;
  if (attended >= dose)
    return attendance.doseReached
      ? []
      : [
          {
            type: 'DoseReached',
            data: { groupId, memberId, sessionsAttended: attended, doseSessions: dose, reachedAt: now },
          },
        ];
  const course = state.sessions.filter((s) => s.status === 'scheduled');
  const midpoint = Math.ceil(course.length / 2);
  const held = course.filter((s) => s.startsAt <= session.startsAt).length;
  if (attendance.offTrackReported || held < midpoint) return [];
  const remaining = course.length - held;
  const reason =
    attended + remaining < dose
      ? 'unreachable'
      : (attended / held) * course.length < dose
        ? 'unlikely-at-current-rate'
        : null;
  if (!reason) return [];
  return [
    {
      type: 'OffTrackForDose',
      data: {
        groupId,
        memberId,
        sessionsAttended: attended,
        sessionsHeld: held,
        sessionsRemaining: remaining,
        doseSessions: dose,
        reason,
        assessedAt: now,
      },
    },
  ];
}

function sameDetails(a: GroupDetails, b: GroupDetails): boolean {
  return canonical(a) === canonical(b);
}

/** Key order does not matter (stores such as jsonb reorder keys); absent and undefined are the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([x], [y]) => x.localeCompare(y));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
