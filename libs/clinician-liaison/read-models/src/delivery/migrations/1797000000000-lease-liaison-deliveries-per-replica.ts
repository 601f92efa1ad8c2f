import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A claimed push names the replica that holds it (`leased_by`, that process's id for its lifetime), so a
 * replica whose claim was cut off with its database takes those rows back at its next pass, not after the
 * lease, while other replicas still wait the lease out. The lease end stays in `next_attempt_at`.
 */
export class LeaseLiaisonDeliveriesPerReplica1797000000000 implements MigrationInterface {
  name = 'LeaseLiaisonDeliveriesPerReplica1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE liaison_delivery ADD COLUMN leased_by text');
    await queryRunner.query(
      'CREATE INDEX liaison_delivery_leased ON liaison_delivery (leased_by) WHERE leased_by IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX liaison_delivery_leased');
    await queryRunner.query('ALTER TABLE liaison_delivery DROP COLUMN leased_by');
  }
}
