import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Events an in-process processor gave up on (schema `processing`): the position, id and type of the
 * event and the class of the error, never its data, so the table holds no health information.
 */
export class CreateParkedEvents1796428900000 implements MigrationInterface {
  name = 'CreateParkedEvents1796428900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE SCHEMA IF NOT EXISTS processing');
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS processing.parked_event (
        processor text NOT NULL,
        global_position bigint NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        error_class text NOT NULL,
        attempts int NOT NULL,
        parked_at timestamptz NOT NULL,
        PRIMARY KEY (processor, global_position)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE processing.parked_event');
  }
}

export const processingMigrations = [CreateParkedEvents1796428900000];
