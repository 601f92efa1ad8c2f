import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each granting FHIR Consent's provision period ends, by member and Consent resource (pseudonymous ids
 * only), with the log position of the revision that set it. `ends_at` null: nothing to lapse (no end, no longer
 * granting, or lapsed already).
 */
export class ConsentLapseSchedule1764500000000 implements MigrationInterface {
  name = 'ConsentLapseSchedule1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE enrollment_consent_lapse (
        member_id text NOT NULL,
        resource_id text NOT NULL,
        ends_at timestamptz,
        position bigint NOT NULL,
        PRIMARY KEY (member_id, resource_id)
      )`);
    await queryRunner.query(
      'CREATE INDEX enrollment_consent_lapse_due ON enrollment_consent_lapse (ends_at) WHERE ends_at IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE enrollment_consent_lapse');
  }
}
