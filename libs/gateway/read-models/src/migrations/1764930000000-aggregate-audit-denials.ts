import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Denials are counted, not stored one by one: anonymous traffic could otherwise flood the audit table.
 * A refused access (outcome 4) lands in one row per (minute, agent, operation, action, resource types,
 * member ids), `aggregate_key` names that group and `count` says how many; an allowed access stays one
 * row each (`aggregate_key` null, `count` 1). The table stays append-only except for that one upsert:
 * the trigger lets an update through only when it raises `count` (and `last_recorded_at`) of an
 * aggregate row and changes nothing else.
 */
export class AggregateAuditDenials1764930000000 implements MigrationInterface {
  name = 'AggregateAuditDenials1764930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE gateway.audit_event
        ADD COLUMN count integer NOT NULL DEFAULT 1 CHECK (count >= 1),
        ADD COLUMN aggregate_key text,
        ADD COLUMN last_recorded_at timestamptz`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX audit_event_aggregate_key ON gateway.audit_event (aggregate_key) WHERE aggregate_key IS NOT NULL`);
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION gateway.audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND OLD.aggregate_key IS NOT NULL AND NEW.count > OLD.count
           AND (to_jsonb(NEW) - 'count' - 'last_recorded_at') = (to_jsonb(OLD) - 'count' - 'last_recorded_at') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'gateway.audit_event is append-only';
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION gateway.audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'gateway.audit_event is append-only'; END $$`);
    await queryRunner.query(`DROP INDEX gateway.audit_event_aggregate_key`);
    await queryRunner.query(`
      ALTER TABLE gateway.audit_event DROP COLUMN count, DROP COLUMN aggregate_key, DROP COLUMN last_recorded_at`);
  }
}
