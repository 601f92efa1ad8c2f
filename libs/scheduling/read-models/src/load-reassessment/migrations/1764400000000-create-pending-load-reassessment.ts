import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Load reassessments owed after a roster change: written in the inbox's transaction, done by the
 * processor after commit. One row per enrollment event (its id is unique), so a redelivery adds none.
 */
export class CreatePendingLoadReassessment1764400000000 implements MigrationInterface {
  name = 'CreatePendingLoadReassessment1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pending_load_reassessment (
        id bigserial PRIMARY KEY,
        cause_event_id uuid NOT NULL UNIQUE,
        member_id text NOT NULL,
        group_id text NOT NULL,
        cause text NOT NULL CHECK (cause IN ('enrolled', 'withdrew')),
        cause_at timestamptz NOT NULL,
        correlation_id text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        attempts int NOT NULL DEFAULT 0,
        done_at timestamptz
      )`);
    await queryRunner.query(
      'CREATE INDEX pending_load_reassessment_due ON pending_load_reassessment (id) WHERE done_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE pending_load_reassessment');
  }
}
