import type { EntityManager } from 'typeorm';
import type { CohortMember, Instrument, MeasurementPoint } from '@carecircle/outcomes/domain';

/** A measure as the bus carries it (MeasureRecorded, or MeasureCorrected with what it corrects). */
export interface MeasureFact {
  memberId: string;
  measureId: string;
  instrument: Instrument;
  total: number;
  point: MeasurementPoint;
  administeredAt: string;
  groupId: string | null;
  correctsMeasureId?: string;
}

/**
 * Writes run in the caller's transaction (the inbox's), so the row and the "already processed"
 * mark commit together; each write is also idempotent on its own key.
 */
export async function projectMeasure(tx: EntityManager, fact: MeasureFact): Promise<void> {
  // An original that arrives after its correction (one replayed from the dead-letter topic) is replaced at once.
  await tx.query(
    `INSERT INTO outcome_measure (measure_id, member_id, instrument, total, point, administered_at, group_id, corrects_measure_id, superseded_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
       (SELECT c.measure_id FROM outcome_measure c WHERE c.corrects_measure_id = $1 ORDER BY c.measure_id LIMIT 1))
     ON CONFLICT (measure_id) DO NOTHING`,
    [
      fact.measureId,
      fact.memberId,
      fact.instrument,
      fact.total,
      fact.point,
      fact.administeredAt,
      fact.groupId,
      fact.correctsMeasureId ?? null,
    ],
  );
  if (fact.correctsMeasureId) {
    await tx.query('UPDATE outcome_measure SET superseded_by = $1 WHERE measure_id = $2', [
      fact.measureId,
      fact.correctsMeasureId,
    ]);
  }
}

export interface AttendanceFact {
  memberId: string;
  groupId: string;
  sessionId: string;
  attended: boolean;
}

/** One row per member and session: a correction or redelivery overwrites, never double-counts. */
export async function projectAttendance(tx: EntityManager, fact: AttendanceFact): Promise<void> {
  await tx.query(
    `INSERT INTO member_session_attendance (member_id, group_id, session_id, attended) VALUES ($1, $2, $3, $4)
     ON CONFLICT (member_id, group_id, session_id) DO UPDATE SET attended = EXCLUDED.attended`,
    [fact.memberId, fact.groupId, fact.sessionId, fact.attended],
  );
}

export async function projectGroup(
  tx: EntityManager,
  group: { groupId: string; groupType: string; condition: string | null },
): Promise<void> {
  await tx.query(
    `INSERT INTO cohort_group (group_id, group_type, condition) VALUES ($1, $2, $3)
     ON CONFLICT (group_id) DO UPDATE SET group_type = EXCLUDED.group_type, condition = EXCLUDED.condition`,
    [group.groupId, group.groupType, group.condition],
  );
}

export interface CohortFilter {
  instrument: Instrument;
  groupId?: string;
  groupType?: string;
  condition?: string;
  /** Measures administered in [from, to). */
  from?: string;
  to?: string;
}

/**
 * The cohort's members for one instrument: earliest standing baseline, latest standing end or
 * follow-up, and sessions attended (in the filtered group, or all groups).
 */
export async function findCohortMembers(em: EntityManager, filter: CohortFilter): Promise<CohortMember[]> {
  const rows: { member_id: string; baseline: number | null; follow_up: number | null; attended: string }[] =
    await em.query(
      `WITH measures AS (
       SELECT m.* FROM outcome_measure m LEFT JOIN cohort_group g ON g.group_id = m.group_id
       WHERE m.instrument = $1 AND m.superseded_by IS NULL
         AND ($2::text IS NULL OR m.group_id = $2) AND ($3::text IS NULL OR g.group_type = $3) AND ($4::text IS NULL OR g.condition = $4)
         AND ($5::timestamptz IS NULL OR m.administered_at >= $5) AND ($6::timestamptz IS NULL OR m.administered_at < $6)
     )
     SELECT member_id,
       (SELECT total FROM measures b WHERE b.member_id = x.member_id AND b.point = 'baseline' ORDER BY administered_at, measure_id LIMIT 1) AS baseline,
       (SELECT total FROM measures f WHERE f.member_id = x.member_id AND f.point IN ('end', 'follow-up') ORDER BY administered_at DESC, measure_id LIMIT 1) AS follow_up,
       (SELECT count(*) FROM member_session_attendance a WHERE a.member_id = x.member_id AND a.attended AND ($2::text IS NULL OR a.group_id = $2)) AS attended
     FROM (SELECT DISTINCT member_id FROM measures) x ORDER BY member_id`,
      [
        filter.instrument,
        filter.groupId ?? null,
        filter.groupType ?? null,
        filter.condition ?? null,
        filter.from ?? null,
        filter.to ?? null,
      ],
    );
  return rows.map((r) => ({
    memberId: r.member_id,
    baseline: r.baseline,
    followUp: r.follow_up,
    sessionsAttended: Number(r.attended),
  }));
}
