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

/**
 * The consumed events of the topics a consumer keeps (`TopicRoutes.keep`), in the order their inbox
 * transactions drew `seq`: the source a read model fed by another service's topic is rebuilt from (the
 * topic's retention is the broker's). `kept_message_start` says when keeping began: a consumer that
 * handled events before it cannot rebuild from zero.
 */
export class KeepConsumedMessages1797200000000 implements MigrationInterface {
  name = 'KeepConsumedMessages1797200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS kept_message (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        topic text NOT NULL,
        type text NOT NULL,
        body jsonb NOT NULL,
        UNIQUE (consumer, event_id)
      )`);
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS kept_message_start (started_at timestamptz NOT NULL)`);
    await queryRunner.query(
      `INSERT INTO kept_message_start (started_at) SELECT now() WHERE NOT EXISTS (SELECT 1 FROM kept_message_start)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE IF EXISTS kept_message_start');
    await queryRunner.query('DROP TABLE IF EXISTS kept_message');
  }
}

/** Add these to the service's TypeORM migrations (next to the event store's). */
export const messagingMigrations: readonly (new () => MigrationInterface)[] = [
  CreateOutboxRelayCheckpoint1767225600000,
  CreateProcessedMessage1767225600001,
  KeepConsumedMessages1797200000000,
];
