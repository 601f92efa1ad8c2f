import { DateTime, IANAZone } from 'luxon';
import type { Cadence } from './group';

const STEP: Record<Cadence, { weeks: number; months: number }> = {
  weekly: { weeks: 1, months: 0 },
  biweekly: { weeks: 2, months: 0 },
  monthly: { weeks: 0, months: 1 },
};

export interface PlannedSession {
  sequence: number;
  startsAt: string;
  endsAt: string;
}

export function isKnownTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * The course's sessions: the first session's wall-clock time repeated by the cadence in the group's
 * time zone, so a 18:00 Berlin group stays at 18:00 local across a daylight-saving change (its UTC
 * instant moves). Sessions start before the course ends (first session + course weeks).
 */
export function planCourseSessions(course: {
  firstSessionAt: string;
  timeZone: string;
  cadence: Cadence;
  courseWeeks: number;
  sessionMinutes: number;
}): PlannedSession[] {
  const first = DateTime.fromISO(course.firstSessionAt, { setZone: true }).setZone(course.timeZone);
  const courseEnd = first.plus({ weeks: course.courseWeeks });
  const sessions: PlannedSession[] = [];
  for (let index = 0; ; index++) {
    const start = first.plus({
      weeks: STEP[course.cadence].weeks * index,
      months: STEP[course.cadence].months * index,
    });
    if (start >= courseEnd) return sessions;
    sessions.push({
      sequence: index + 1,
      startsAt: toIso(start),
      endsAt: toIso(start.plus({ minutes: course.sessionMinutes })),
    });
  }
}

/** Same length as the original, starting at the new instant. */
export function shiftSession(startsAt: string, minutes: number): { startsAt: string; endsAt: string } {
  const start = DateTime.fromISO(startsAt, { setZone: true });
  return { startsAt: toIso(start), endsAt: toIso(start.plus({ minutes })) };
}

function toIso(instant: DateTime): string {
  return instant.toUTC().toISO({ suppressMilliseconds: false })!;
}

export const sessionIdFor = (groupId: string, sequence: number) => `${groupId}-s${String(sequence).padStart(2, '0')}`;
