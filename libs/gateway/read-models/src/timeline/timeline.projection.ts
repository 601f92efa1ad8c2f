import {
  accessFactsOf,
  changesFor,
  type AccessFact,
  type TimelineEntry,
  type TimelineSourceEvent,
} from '@carecircle/gateway/domain';
import type { Sql } from '@carecircle/platform/event-store';

/**
 * What applying one event reads and writes: the live tables (`sqlTimelineState`) or the rebuild's
 * memory. `applyTimelineEvent` is the one order of steps both run, so a rebuild cannot disagree with
 * the live projection.
 */
export interface TimelineState {
  /** The member's consent to show facilitators medication details; undefined until liaison told us. */
  medicationSharing(memberId: string): Promise<boolean | undefined>;
  applyFact(fact: AccessFact): Promise<void>;
  /** The group's current members, sorted. */
  groupMembers(groupId: string): Promise<readonly string[]>;
  /** Holds the members' change order until the transaction ends (live path); a no-op for a lone writer. */
  lockMembers(memberIds: readonly string[]): Promise<void>;
  /** The member's entries that carry the alert's lifecycle. */
  alertEntries(memberId: string, alertId: string): Promise<readonly TimelineEntry[]>;
  /** Adds or replaces the entry (by member and source event). */
  putEntry(entry: TimelineEntry): Promise<void>;
}

/**
 * Applies one event: access facts first (an enrolment adds the member before its entry), then the
 * entries the domain's `changesFor` answers. Replaying the same events in the same order gives the same rows.
 */
export async function applyTimelineEvent(state: TimelineState, event: TimelineSourceEvent): Promise<void> {
  // Read before the fact overwrites it: a repeated consent value adds no entry.
  const medicationSharingBefore =
    event.type === 'MedicationSharingWithFacilitatorChanged' ? await state.medicationSharing(event.subject) : undefined;
  for (const fact of accessFactsOf(event)) await state.applyFact(fact);
  const payload = event.payload as Record<string, unknown>;
  const aboutMember = event.subject.startsWith('mbr_');
  const groupMembers = aboutMember ? [] : await state.groupMembers(String(payload['groupId'] ?? event.subject));
  await state.lockMembers(aboutMember ? [event.subject] : groupMembers);
  const alertId = payload['alertId'];
  const existing = typeof alertId === 'string' ? await state.alertEntries(event.subject, alertId) : [];
  for (const entry of changesFor(existing, event, {
    groupMembers,
    ...(medicationSharingBefore === undefined ? {} : { medicationSharingBefore }),
  }))
    await state.putEntry(entry);
}

/** The member's consent to show facilitators medication details; undefined until liaison told us. */
export async function medicationSharingOf(sql: Sql, memberId: string): Promise<boolean | undefined> {
  const [row] = await sql<{ share_medication: boolean }>(
    `SELECT share_medication FROM gateway.timeline_member_sharing WHERE member_id = $1`,
    [memberId],
  );
  return row?.share_medication;
}

/** Namespace (first key) of the per-member advisory locks, apart from any other lock in the database. */
const CHANGE_ORDER_LOCK = 0x7469_6d65; // 'time'

/**
 * The live tables as `TimelineState`, inside the caller's transaction. Each entry written gets a fresh
 * change number (the live stream's cursor).
 *
 * Change numbers are drawn before commit: two writers of one member could commit 10 before 9, and a
 * stream that had read 10 would skip 9 for good. Locking the member before numbering makes one member's
 * change order its commit order; it also makes two lifecycle steps of one alert apply one after the
 * other instead of both starting from the old entry.
 */
export function sqlTimelineState(sql: Sql): TimelineState {
  return {
    medicationSharing: (memberId) => medicationSharingOf(sql, memberId),
    async applyFact(fact) {
      switch (fact.kind) {
        case 'group-facilitators':
          await sql(
            `INSERT INTO gateway.timeline_group_facilitator (group_id, facilitator_ids) VALUES ($1, $2)
             ON CONFLICT (group_id) DO UPDATE SET facilitator_ids = excluded.facilitator_ids`,
            [fact.groupId, fact.facilitatorIds],
          );
          return;
        case 'group-member':
          await (fact.present
            ? sql(
                `INSERT INTO gateway.timeline_group_member (group_id, member_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
                [fact.groupId, fact.memberId],
              )
            : sql(`DELETE FROM gateway.timeline_group_member WHERE group_id = $1 AND member_id = $2`, [
                fact.groupId,
                fact.memberId,
              ]));
          return;
        case 'medication-sharing':
          await sql(
            `INSERT INTO gateway.timeline_member_sharing (member_id, share_medication) VALUES ($1, $2)
             ON CONFLICT (member_id) DO UPDATE SET share_medication = excluded.share_medication`,
            [fact.memberId, fact.shareMedication],
          );
          return;
      }
    },
    async groupMembers(groupId) {
      const rows = await sql<{ member_id: string }>(
        `SELECT member_id FROM gateway.timeline_group_member WHERE group_id = $1 ORDER BY member_id`,
        [groupId],
      );
      return rows.map((row) => row.member_id);
    },
    // In sorted order: two transactions touching the same members lock them in one order (no deadlock).
    async lockMembers(memberIds) {
      for (const memberId of [...new Set(memberIds)].sort())
        await sql(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [CHANGE_ORDER_LOCK, memberId]);
    },
    async alertEntries(memberId, alertId) {
      const rows = await sql<{ entry: TimelineEntry }>(
        `SELECT entry FROM gateway.timeline_entry WHERE member_id = $1 AND alert_id = $2`,
        [memberId, alertId],
      );
      return rows.map((row) => row.entry);
    },
    async putEntry(entry) {
      await sql(
        `INSERT INTO gateway.timeline_entry (member_id, source_event_id, at, kind, alert_id, entry) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (member_id, source_event_id) DO UPDATE SET entry = excluded.entry, changed_seq = nextval('gateway.timeline_change_seq')`,
        [
          entry.memberId,
          entry.sourceEventId,
          entry.at,
          entry.kind,
          entry.alert?.alertId ?? null,
          JSON.stringify(entry),
        ],
      );
    },
  };
}

/** Applies one event to the live tables, inside the caller's transaction. */
export async function applyToTimeline(sql: Sql, event: TimelineSourceEvent): Promise<void> {
  await applyTimelineEvent(sqlTimelineState(sql), event);
}

/** The live path: keep the raw event (the replay source), then apply it. Run inside the inbox transaction. */
export async function projectTimelineEvent(sql: Sql, event: TimelineSourceEvent): Promise<void> {
  const inserted = await sql(
    `INSERT INTO gateway.timeline_source_event (event_id, type, body) VALUES ($1, $2, $3) ON CONFLICT (event_id) DO NOTHING RETURNING seq`,
    [event.eventId, event.type, JSON.stringify(event)],
  );
  if (inserted.length === 0) return; // already kept and applied
  await applyToTimeline(sql, event);
}
