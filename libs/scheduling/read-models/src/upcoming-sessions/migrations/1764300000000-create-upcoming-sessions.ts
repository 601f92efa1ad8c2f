import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The facilitator's upcoming sessions, fed by scheduling's own events; the checkpoint commits with the rows. */
export class CreateUpcomingSessions1764300000000 implements MigrationInterface {
  name = 'CreateUpcomingSessions1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE schedule_group_facilitator (
        group_id text NOT NULL,
        facilitator_id text NOT NULL,
        PRIMARY KEY (facilitator_id, group_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE schedule_session (
        session_id text PRIMARY KEY,
        group_id text NOT NULL,
        sequence int NOT NULL,
        starts_at timestamptz NOT NULL,
        ends_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
        revision int NOT NULL
      )`);
    await queryRunner.query(
      "CREATE INDEX schedule_session_group_upcoming ON schedule_session (group_id, ends_at) WHERE status = 'scheduled'",
    );
    await queryRunner.query(`
      CREATE TABLE scheduling_projection_checkpoint (
        projection text PRIMARY KEY,
        position bigint NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE scheduling_projection_checkpoint');
    await queryRunner.query('DROP TABLE schedule_session');
    await queryRunner.query('DROP TABLE schedule_group_facilitator');
  }
}
