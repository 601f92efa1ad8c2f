import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Keeps what a correction corrects, so an original that arrives after its correction is replaced at once. */
export class KeepWhatAMeasureCorrects1797100000000 implements MigrationInterface {
  name = 'KeepWhatAMeasureCorrects1797100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE outcome_measure ADD COLUMN corrects_measure_id uuid');
    await queryRunner.query(
      'CREATE INDEX outcome_measure_corrects ON outcome_measure (corrects_measure_id) WHERE corrects_measure_id IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX outcome_measure_corrects');
    await queryRunner.query('ALTER TABLE outcome_measure DROP COLUMN corrects_measure_id');
  }
}
