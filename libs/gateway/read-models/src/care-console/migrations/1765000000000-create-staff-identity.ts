import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staff directory: a clinician's or facilitator's name under their pseudonymous staff id, sealed
 * with the identity key like a member's identity, so the console can say who acted without the bus or
 * the services ever carrying a name.
 */
export class CreateStaffIdentity1765000000000 implements MigrationInterface {
  name = 'CreateStaffIdentity1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.staff_identity (
        staff_id text PRIMARY KEY,
        sealed text NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.staff_identity`);
  }
}
