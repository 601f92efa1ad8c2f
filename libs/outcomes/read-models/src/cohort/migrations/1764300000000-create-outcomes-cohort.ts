import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOutcomesCohort1764300000000 implements MigrationInterface {
  name = 'CreateOutcomesCohort1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE outcome_measure (
        measure_id uuid PRIMARY KEY,
        member_id text NOT NULL,
        instrument text NOT NULL,
        total double precision NOT NULL,
        point text NOT NULL CHECK (point IN ('baseline', 'mid-course', 'end', 'follow-up')),
        administered_at timestamptz NOT NULL,
        group_id text,
        superseded_by uuid
      )`);
    await queryRunner.query('CREATE INDEX outcome_measure_instrument ON outcome_measure (instrument, member_id)');
    await queryRunner.query(`
      CREATE TABLE member_session_attendance (
        member_id text NOT NULL,
        group_id text NOT NULL,
        session_id text NOT NULL,
        attended boolean NOT NULL,
        PRIMARY KEY (member_id, group_id, session_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE cohort_group (
        group_id text PRIMARY KEY,
        group_type text NOT NULL,
        condition text
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE cohort_group');
    await queryRunner.query('DROP TABLE member_session_attendance');
    await queryRunner.query('DROP TABLE outcome_measure');
  }
}
