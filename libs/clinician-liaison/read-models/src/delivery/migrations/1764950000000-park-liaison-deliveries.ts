import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A push that can no longer succeed (a 4xx, or every attempt spent) is parked with its reason, not retried forever. */
export class ParkLiaisonDeliveries1764950000000 implements MigrationInterface {
  name = 'ParkLiaisonDeliveries1764950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE liaison_delivery ADD COLUMN parked_at timestamptz, ADD COLUMN park_reason text',
    );
    await queryRunner.query('DROP INDEX liaison_delivery_due');
    await queryRunner.query(
      'CREATE INDEX liaison_delivery_due ON liaison_delivery (next_attempt_at) WHERE delivered_at IS NULL AND parked_at IS NULL',
    );
    await queryRunner.query(
      'CREATE INDEX liaison_delivery_parked ON liaison_delivery (parked_at) WHERE parked_at IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX liaison_delivery_parked');
    await queryRunner.query('DROP INDEX liaison_delivery_due');
    await queryRunner.query(
      'CREATE INDEX liaison_delivery_due ON liaison_delivery (next_attempt_at) WHERE delivered_at IS NULL',
    );
    await queryRunner.query('ALTER TABLE liaison_delivery DROP COLUMN parked_at, DROP COLUMN park_reason');
  }
}
