import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seat keeper's record of the new groups it has opened to waitlists moves out of the catalogue into a
 * table of its own, so the catalogue holds only what scheduling's topic says and can be rebuilt from the
 * kept events (`rebuildGroupCatalogue`) without offering any group's seats again. The catalogue keeps
 * `newly_formed` (first catalogued from GroupFormed), which only the topic writes. Every group counted as
 * opened before (offered already, catalogued before seat keeping, or first seen through a change) is
 * recorded opened; a pending one is newly formed.
 */
export class GroupOpeningsApart1797300000000 implements MigrationInterface {
  name = 'GroupOpeningsApart1797300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE enrollment_group_opened (group_id text PRIMARY KEY)');
    await queryRunner.query(
      'INSERT INTO enrollment_group_opened (group_id) SELECT group_id FROM enrollment_group_catalogue WHERE waitlists_opened',
    );
    await queryRunner.query(
      'ALTER TABLE enrollment_group_catalogue ADD COLUMN newly_formed boolean NOT NULL DEFAULT false',
    );
    await queryRunner.query('UPDATE enrollment_group_catalogue SET newly_formed = true WHERE NOT waitlists_opened');
    await queryRunner.query('ALTER TABLE enrollment_group_catalogue DROP COLUMN waitlists_opened');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE enrollment_group_catalogue ADD COLUMN waitlists_opened boolean NOT NULL DEFAULT true',
    );
    await queryRunner.query(
      `UPDATE enrollment_group_catalogue c SET waitlists_opened = false
        WHERE c.newly_formed AND NOT EXISTS (SELECT 1 FROM enrollment_group_opened o WHERE o.group_id = c.group_id)`,
    );
    await queryRunner.query('ALTER TABLE enrollment_group_catalogue DROP COLUMN newly_formed');
    await queryRunner.query('DROP TABLE enrollment_group_opened');
  }
}
