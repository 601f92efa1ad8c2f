import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRoster1764200000000 implements MigrationInterface {
  name = 'CreateRoster1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE roster_entry (
        group_id text NOT NULL,
        member_id text NOT NULL,
        member_role text NOT NULL,
        status text NOT NULL CHECK (status IN ('enrolled', 'withdrawn')),
        enrolled_at timestamptz NOT NULL,
        withdrawn_at timestamptz,
        PRIMARY KEY (group_id, member_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE group_roster_summary (
        group_id text PRIMARY KEY,
        enrolments_applied int NOT NULL DEFAULT 0,
        withdrawals_applied int NOT NULL DEFAULT 0
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE group_roster_summary');
    await queryRunner.query('DROP TABLE roster_entry');
  }
}
