import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLiaisonAlerts1764500000000 implements MigrationInterface {
  name = 'CreateLiaisonAlerts1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE liaison_alert (
        alert_id uuid PRIMARY KEY,
        dedup_key text NOT NULL,
        member_id text NOT NULL,
        rule text NOT NULL,
        severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
        status text NOT NULL CHECK (status IN ('raised', 'delivered', 'acknowledged', 'resolved')),
        recipient_role text NOT NULL,
        recipient_id text,
        addressees text[] NOT NULL,
        summary text NOT NULL,
        detail text NOT NULL,
        evidence_event_ids text[] NOT NULL,
        escalation_level int NOT NULL DEFAULT 0,
        escalation_due_at timestamptz,
        raised_at timestamptz NOT NULL,
        ack_outcome text,
        ack_reason text,
        CONSTRAINT liaison_alert_dedup_key_unique UNIQUE (member_id, dedup_key)
      )`);
    await queryRunner.query('CREATE INDEX liaison_alert_member ON liaison_alert (member_id, status)');
    await queryRunner.query('CREATE INDEX liaison_alert_addressees ON liaison_alert USING gin (addressees)');
    await queryRunner.query(
      'CREATE INDEX liaison_alert_due ON liaison_alert (escalation_due_at) WHERE escalation_due_at IS NOT NULL',
    );
    await queryRunner.query(`
      CREATE TABLE liaison_processor_checkpoint (
        processor text PRIMARY KEY,
        position bigint NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE liaison_processor_checkpoint');
    await queryRunner.query('DROP TABLE liaison_alert');
  }
}
