import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGroupCatalogue1764300000000 implements MigrationInterface {
  name = 'CreateGroupCatalogue1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE enrollment_group_catalogue (
        group_id text PRIMARY KEY,
        group_type text NOT NULL,
        condition text,
        stage text,
        seats int NOT NULL CHECK (seats BETWEEN 6 AND 12),
        openness text NOT NULL CHECK (openness IN ('open', 'closed')),
        modality text NOT NULL,
        cadence text NOT NULL,
        age_min int NOT NULL,
        age_max int NOT NULL,
        facilitator_ids jsonb NOT NULL,
        first_session_at timestamptz NOT NULL,
        closed boolean NOT NULL DEFAULT false
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE enrollment_group_catalogue');
  }
}
