import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SMART client assertions already used (`client_id:jti`), shared by every gateway replica so
 * that a replayed assertion is refused by whichever replica it reaches; rows go once they expire.
 */
export class CreateSmartAssertionTable1764500000000 implements MigrationInterface {
  name = 'CreateSmartAssertionTable1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS gateway`);
    await queryRunner.query(`
      CREATE TABLE gateway.smart_assertion_used (
        assertion_key text PRIMARY KEY,
        expires_at    timestamptz NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX smart_assertion_used_expiry ON gateway.smart_assertion_used (expires_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.smart_assertion_used`);
  }
}
