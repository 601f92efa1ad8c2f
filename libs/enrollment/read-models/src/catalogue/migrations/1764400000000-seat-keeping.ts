import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Seat keeping: a newly formed group waits to be opened to the waitlists of full groups (groups catalogued
 * before this migration count as opened), and the placement repair poll keeps its place in the event log.
 */
export class SeatKeeping1764400000000 implements MigrationInterface {
  name = 'SeatKeeping1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE enrollment_group_catalogue ADD COLUMN waitlists_opened boolean NOT NULL DEFAULT true',
    );
    await queryRunner.query(
      'CREATE TABLE enrollment_process_checkpoint (process_name text PRIMARY KEY, position bigint NOT NULL)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE enrollment_process_checkpoint');
    await queryRunner.query('ALTER TABLE enrollment_group_catalogue DROP COLUMN waitlists_opened');
  }
}
