import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each service's own copy of the relationships the access policy reads (schema `access`), projected from
 * the bus, and its audit trail of clinical reads and writes. Refusals are counted per agent, action and
 * minute in one row, so anonymous or hostile traffic cannot flood the table.
 */
export class CreateAccessTables1796428800000 implements MigrationInterface {
  name = 'CreateAccessTables1796428800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS access`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS access.group_facilitator (
        group_id text PRIMARY KEY,
        facilitator_ids text[] NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS access.group_member (
        group_id text NOT NULL,
        member_id text NOT NULL,
        PRIMARY KEY (member_id, group_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS access.withdrawn_member (
        member_id text PRIMARY KEY,
        withdrew_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS access.care_team (
        member_id text NOT NULL,
        clinician_id text NOT NULL,
        role text NOT NULL,
        active_until timestamptz,
        PRIMARY KEY (member_id, clinician_id, role)
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS access.emergency_access (
        member_id text NOT NULL,
        clinician_id text NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (member_id, clinician_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS access.audit_record (
        id bigserial PRIMARY KEY,
        recorded_at timestamptz NOT NULL,
        agent text NOT NULL,
        action text NOT NULL,
        route text NOT NULL,
        outcome text NOT NULL,
        reason text,
        member_ids text[] NOT NULL DEFAULT '{}',
        count integer NOT NULL DEFAULT 1,
        denial_minute timestamptz
      )`);
    // One row per (agent, action, route, minute) of refusals; allowed accesses leave denial_minute NULL.
    await queryRunner.query(`
      CREATE UNIQUE INDEX IF NOT EXISTS audit_record_denial_bucket
        ON access.audit_record (agent, action, route, denial_minute) WHERE denial_minute IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA IF EXISTS access CASCADE`);
  }
}

export const accessMigrations: readonly (new () => MigrationInterface)[] = [CreateAccessTables1796428800000];
