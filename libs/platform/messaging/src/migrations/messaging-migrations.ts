import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The relay's progress through the service's global log. `position` is the last global position the
 * broker acknowledged; NULL means nothing relayed yet (positions are opaque, so no "zero").
 */
export class CreateOutboxRelayCheckpoint1767225600000 implements MigrationInterface {
  name = 'CreateOutboxRelayCheckpoint1767225600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS outbox_relay_checkpoint (
        relay_name text PRIMARY KEY,
        position bigint,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS outbox_relay_checkpoint');
  }
}

/** One row per (consumer, event) handled; inserted in the transaction of the handler's effect. */
export class CreateProcessedMessage1767225600001 implements MigrationInterface {
  name = 'CreateProcessedMessage1767225600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS processed_message (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS processed_message');
  }
}

/** Add these to the service's TypeORM migrations (next to the event store's). */
export const messagingMigrations: readonly (new () => MigrationInterface)[] = [
  CreateOutboxRelayCheckpoint1767225600000,
  CreateProcessedMessage1767225600001,
];
