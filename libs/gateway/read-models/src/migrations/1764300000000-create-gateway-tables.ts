import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The gateway's own tables. Identities: the sealed (AES-256-GCM) identifying fields per member, and
 * keyed hashes of identifiers pointing at the member; nothing readable without the identity key.
 * Audit: append-only (updates and deletes are refused by trigger).
 */
export class CreateGatewayTables1764300000000 implements MigrationInterface {
  name = 'CreateGatewayTables1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS gateway`);
    await queryRunner.query(`
      CREATE TABLE gateway.member_identity (
        member_id   text PRIMARY KEY,
        sealed      text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE gateway.member_lookup (
        lookup_hash text PRIMARY KEY,
        member_id   text NOT NULL REFERENCES gateway.member_identity (member_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE gateway.audit_event (
        id              uuid PRIMARY KEY,
        seq             bigserial UNIQUE,
        recorded_at     timestamptz NOT NULL,
        action          text NOT NULL CHECK (action IN ('C', 'R', 'U', 'E')),
        outcome         text NOT NULL CHECK (outcome IN ('0', '4', '8')),
        agent           text NOT NULL,
        on_behalf_of    text,
        operation       text NOT NULL,
        resource_types  text[] NOT NULL,
        member_ids      text[] NOT NULL,
        source_ip       text
      )`);
    await queryRunner.query(`CREATE INDEX audit_event_member_ids ON gateway.audit_event USING gin (member_ids)`);
    await queryRunner.query(`
      CREATE FUNCTION gateway.audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'gateway.audit_event is append-only'; END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON gateway.audit_event
      FOR EACH ROW EXECUTE FUNCTION gateway.audit_is_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA gateway CASCADE`);
  }
}
