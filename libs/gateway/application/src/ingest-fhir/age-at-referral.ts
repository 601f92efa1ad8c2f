/** Beyond this a birth date is a data error, not an age to publish. */
const OLDEST_PLAUSIBLE_AGE = 150;

interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/**
 * The whole years a member had certainly completed on a day: what the gateway publishes in place of
 * a birth date. `on` is a FHIR date or dateTime as the EHR wrote it (its local date counts, not UTC).
 *
 * Partial dates count conservatively: a birth date of "1970" or "1970-05" is taken at its last
 * possible day, a partial `on` at its first, so the age is never more than the member's real age
 * (an age band's lower bound and the under-25 antidepressant rule stay on the safe side). Someone
 * born on 29 February completes a year on 1 March in other years. Undefined when either date is
 * missing or not a date, or the birth date lies after `on` or implausibly long before it.
 */
export function ageInWholeYears(birthDate: string | undefined, on: string | undefined): number | undefined {
  const born = calendarDay(birthDate, 'last');
  const at = calendarDay(on, 'first');
  if (!born || !at) return undefined;
  const birthdayPassed = at.month > born.month || (at.month === born.month && at.day >= born.day);
  const age = at.year - born.year - (birthdayPassed ? 0 : 1);
  return age >= 0 && age <= OLDEST_PLAUSIBLE_AGE ? age : undefined;
}

/** The first or last day a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD, or a dateTime) may stand for. */
function calendarDay(value: string | undefined, end: 'first' | 'last'): CalendarDay | undefined {
  const match = value ? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T|$)/.exec(value) : null;
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = match[2] ? Number(match[2]) : end === 'first' ? 1 : 12;
  if (month < 1 || month > 12) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = match[3] ? Number(match[3]) : end === 'first' ? 1 : daysInMonth;
  return day >= 1 && day <= daysInMonth ? { year, month, day } : undefined;
}
