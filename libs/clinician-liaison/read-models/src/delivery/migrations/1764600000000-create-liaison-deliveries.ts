import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLiaisonDeliveries1764600000000 implements MigrationInterface {
  name = 'CreateLiaisonDeliveries1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE liaison_delivery (
        alert_id uuid NOT NULL,
        channel text NOT NULL,
        url text NOT NULL,
        payload jsonb NOT NULL,
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        delivered_at timestamptz,
        last_status int,
        last_error text,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (alert_id, channel)
      )`);
    await queryRunner.query(
      'CREATE INDEX liaison_delivery_due ON liaison_delivery (next_attempt_at) WHERE delivered_at IS NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE liaison_delivery');
  }
}
