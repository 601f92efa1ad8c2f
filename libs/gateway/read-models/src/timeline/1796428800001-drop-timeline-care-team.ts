import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The timeline's own care-team table made whoever prescribed, referred or was alerted a care-team
 * member. Care teams are now the access policy's relationships (schema `access`), from authoritative
 * events only; the old rows must not linger as a second source.
 */
export class DropTimelineCareTeam1796428800001 implements MigrationInterface {
  name = 'DropTimelineCareTeam1796428800001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS gateway.timeline_care_team`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS gateway.timeline_care_team (member_id text NOT NULL, clinician_id text NOT NULL, PRIMARY KEY (member_id, clinician_id))`,
    );
  }
}
