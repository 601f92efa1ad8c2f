import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * FHIR reads are built from the kept integration events at read time, looked up by subject and type
 * (a member's alerts, scores, enrolments; a group's description and sessions) or by the payload id a
 * resource is named by (NULL for the event types without it). Not partial: the
 * queries take the event types as a parameter, which a partial index's predicate cannot be proven from.
 */
const PAYLOAD_KEYS = [
  ['by_alert', 'alertId'],
  ['by_measure', 'measureId'],
  ['by_group', 'groupId'],
  ['by_session', 'sessionId'],
] as const;

export class IndexSourceEventsForFhirReads1764620000000 implements MigrationInterface {
  name = 'IndexSourceEventsForFhirReads1764620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX timeline_source_event_by_subject ON gateway.timeline_source_event ((body->>'subject'), type, seq)`,
    );
    for (const [index, key] of PAYLOAD_KEYS) {
      await queryRunner.query(
        `CREATE INDEX timeline_source_event_${index} ON gateway.timeline_source_event ((body->'payload'->>'${key}'), type)`,
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const index of ['by_subject', 'by_alert', 'by_measure', 'by_group', 'by_session']) {
      await queryRunner.query(`DROP INDEX IF EXISTS gateway.timeline_source_event_${index}`);
    }
  }
}
