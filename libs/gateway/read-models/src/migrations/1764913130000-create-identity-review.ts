import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity conflicts the gateway refused to resolve (an identifier of two members, or of another
 * EHR patient), for a person to review. Pseudonymous member ids and a reason code only: no
 * identifier value, name or EHR id, so the table says nothing about anyone without the identity tables.
 */
export class CreateIdentityReview1764913130000 implements MigrationInterface {
  name = 'CreateIdentityReview1764913130000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.identity_review (
        id             uuid PRIMARY KEY,
        seq            bigserial UNIQUE,
        detected_at    timestamptz NOT NULL,
        reason_code    text NOT NULL CHECK (reason_code IN ('identifiers-of-several-members', 'identifier-of-another-patient')),
        member_ids     text[] NOT NULL,
        resource_type  text NOT NULL,
        status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved'))
      )`);
    await queryRunner.query(`CREATE INDEX identity_review_open ON gateway.identity_review (seq) WHERE status = 'open'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.identity_review`);
  }
}
