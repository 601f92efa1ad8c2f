import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The care timeline read model. `timeline_source_event` keeps every consumed integration event as
 * received (the replay source for a rebuild); the other tables are derived and can be truncated and
 * rebuilt from it: entries per member, group rosters and facilitators, care teams (for access).
 */
export class CreateTimelineTables1764400000000 implements MigrationInterface {
  name = 'CreateTimelineTables1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS gateway`);
    await queryRunner.query(`
      CREATE TABLE gateway.timeline_source_event (
        seq         bigserial PRIMARY KEY,
        event_id    text NOT NULL UNIQUE,
        type        text NOT NULL,
        body        jsonb NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE SEQUENCE gateway.timeline_change_seq`);
    await queryRunner.query(`
      CREATE TABLE gateway.timeline_entry (
        member_id       text NOT NULL,
        source_event_id text NOT NULL,
        at              timestamptz NOT NULL,
        kind            text NOT NULL,
        alert_id        text,
        entry           jsonb NOT NULL,
        changed_seq     bigint NOT NULL DEFAULT nextval('gateway.timeline_change_seq'),
        PRIMARY KEY (member_id, source_event_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX timeline_entry_by_time ON gateway.timeline_entry (member_id, at, source_event_id)`,
    );
    await queryRunner.query(`CREATE INDEX timeline_entry_by_change ON gateway.timeline_entry (member_id, changed_seq)`);
    await queryRunner.query(
      `CREATE INDEX timeline_entry_by_alert ON gateway.timeline_entry (member_id, alert_id) WHERE alert_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE gateway.timeline_group_facilitator (group_id text PRIMARY KEY, facilitator_ids text[] NOT NULL)`,
    );
    await queryRunner.query(
      `CREATE TABLE gateway.timeline_group_member (group_id text NOT NULL, member_id text NOT NULL, PRIMARY KEY (group_id, member_id))`,
    );
    await queryRunner.query(
      `CREATE INDEX timeline_group_member_by_member ON gateway.timeline_group_member (member_id)`,
    );
    await queryRunner.query(
      `CREATE TABLE gateway.timeline_care_team (member_id text NOT NULL, clinician_id text NOT NULL, PRIMARY KEY (member_id, clinician_id))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of [
      'timeline_care_team',
      'timeline_group_member',
      'timeline_group_facilitator',
      'timeline_entry',
      'timeline_source_event',
    ]) {
      await queryRunner.query(`DROP TABLE IF EXISTS gateway.${table}`);
    }
    await queryRunner.query(`DROP SEQUENCE IF EXISTS gateway.timeline_change_seq`);
  }
}
