import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The member's consent to show facilitators medication details (from liaison's
 * MedicationSharingWithFacilitatorChanged): derived like the other access tables, rebuilt from the kept events.
 */
export class CreateTimelineMemberSharing1764700000000 implements MigrationInterface {
  name = 'CreateTimelineMemberSharing1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE gateway.timeline_member_sharing (member_id text PRIMARY KEY, share_medication boolean NOT NULL)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS gateway.timeline_member_sharing`);
  }
}
