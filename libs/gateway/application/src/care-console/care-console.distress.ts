import type { Checked } from './care-console.alerts';

/** What clinician-liaison takes for a facilitator's report of acute distress (POST /api/liaison/members/:memberId/distress-reports). */
export interface DistressReport {
  /** Chosen by the console (a retry sends the same one), or by the gateway: liaison takes each report once. */
  reportId: string;
  groupId: string;
  /** When the facilitator saw it: now, unless they say when. */
  observedAt: string;
  sessionId?: string;
  /** Free text for the care team: goes to liaison only, never into logs, audit or events. */
  note?: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const GROUP_ID = /^grp_[A-Za-z0-9_-]{1,64}$/;
const SESSION_ID = /^[A-Za-z0-9_-]{1,96}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
// Liaison keeps at most 280 characters: refused here with the field named rather than as its 400.
const MAX_NOTE = 280;
/** A clock a little ahead on the facilitator's device is not an error; a report from the future is. */
const CLOCK_SKEW_MS = 5 * 60_000;
/** Reported while it matters: a session a week ago is a record for the notes, not a distress report. */
const MAX_AGE_MS = 7 * 86_400_000;

/**
 * The facilitator's report as liaison takes it, or which field is wrong (never echoing its value).
 * `newId` gives the report its id when the console sent none.
 */
export function checkDistressReport(body: unknown, now: Date, newId: () => string): Checked<DistressReport> {
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { ok: false, field: 'body', message: 'The report must be a JSON object' };
  const input = body as Record<string, unknown>;
  if (input['reportId'] !== undefined && (typeof input['reportId'] !== 'string' || !UUID.test(input['reportId'])))
    return { ok: false, field: 'reportId', message: 'reportId must be a UUID' };
  if (typeof input['groupId'] !== 'string' || !GROUP_ID.test(input['groupId']))
    return { ok: false, field: 'groupId', message: 'groupId must be the group (grp_…) where the distress was seen' };
  if (
    input['sessionId'] !== undefined &&
    input['sessionId'] !== null &&
    (typeof input['sessionId'] !== 'string' || !SESSION_ID.test(input['sessionId']))
  ) {
    return { ok: false, field: 'sessionId', message: 'sessionId must be 1-96 letters, digits, _ or -' };
  }
  let observedAt = now.toISOString();
  if (input['observedAt'] !== undefined && input['observedAt'] !== null) {
    const at =
      typeof input['observedAt'] === 'string' && INSTANT.test(input['observedAt'])
        ? Date.parse(input['observedAt'])
        : Number.NaN;
    if (Number.isNaN(at))
      return {
        ok: false,
        field: 'observedAt',
        message: 'observedAt must be an instant with its offset (e.g. 2026-03-02T09:00:00Z)',
      };
    if (at > now.getTime() + CLOCK_SKEW_MS)
      return { ok: false, field: 'observedAt', message: 'observedAt is in the future' };
    if (at < now.getTime() - MAX_AGE_MS)
      return {
        ok: false,
        field: 'observedAt',
        message: 'observedAt is more than 7 days ago: record it in the member’s notes instead',
      };
    observedAt = new Date(at).toISOString();
  }
  if (input['note'] !== undefined && input['note'] !== null && typeof input['note'] !== 'string')
    return { ok: false, field: 'note', message: 'note must be text' };
  const note = typeof input['note'] === 'string' ? input['note'].trim() : '';
  if (note.length > MAX_NOTE)
    return { ok: false, field: 'note', message: `note must be at most ${MAX_NOTE} characters` };
  return {
    ok: true,
    value: {
      reportId: typeof input['reportId'] === 'string' ? input['reportId'].toLowerCase() : newId(),
      groupId: input['groupId'],
      observedAt,
      ...(typeof input['sessionId'] === 'string' ? { sessionId: input['sessionId'] } : {}),
      ...(note ? { note } : {}),
    },
  };
}
