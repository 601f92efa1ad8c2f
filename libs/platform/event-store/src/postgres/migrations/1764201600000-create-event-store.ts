import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event log: one append-only table.
 *
 * `global_position` is `(transaction id << 20) + n`, n being the row's rank (1-based) inside its
 * transaction, set by a trigger so that every insert path gets it right. Ordering the log by
 * transaction id first is what makes it gapless: a reader only returns rows of transactions older
 * than the oldest one still running (`pg_snapshot_xmin`), and every transaction that can still
 * commit has an id at least that high, hence positions above everything already returned. A plain
 * sequence cannot give that guarantee: a transaction can draw a lower number and commit later.
 *
 * Positions therefore follow the server's transaction counter. It survives restarts, replicas and
 * pg_upgrade, but not a logical dump restored into a new cluster: advance the new cluster's
 * transaction id past the old one first (pg_resetwal --epoch), or readers will take
 * new events for old ones. 43 bits for the id last 2^43 transactions (~28 years at 10,000 commits/s);
 * the CHECK below makes an overflow fail loudly instead of reordering the log.
 */
export class CreateEventStore1764201600000 implements MigrationInterface {
  name = 'CreateEventStore1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE SCHEMA IF NOT EXISTS event_store`);
    await queryRunner.query(`
      CREATE TABLE event_store.events (
        global_position bigint      NOT NULL,
        transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
        stream_id       text        NOT NULL,
        stream_version  integer     NOT NULL,
        event_id        uuid        NOT NULL,
        type            text        NOT NULL,
        data            jsonb       NOT NULL,
        metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb,
        recorded_at     timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT events_pkey PRIMARY KEY (global_position),
        CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version),
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_version_check CHECK (stream_version >= 0),
        CONSTRAINT events_position_of_transaction CHECK ((global_position >> 20) = transaction_id::text::bigint)
      )`);
    // The rank lives in a transaction-local setting: it restarts at 1 in every transaction, and a
    // rolled-back savepoint takes its ranks back along with its rows.
    await queryRunner.query(`
      CREATE FUNCTION event_store.assign_global_position() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        rank bigint := coalesce(nullif(current_setting('event_store.rank_in_transaction', true), ''), '0')::bigint + 1;
      BEGIN
        IF rank >= 1048576 THEN
          RAISE EXCEPTION 'event_store: at most 1048575 events per transaction';
        END IF;
        PERFORM set_config('event_store.rank_in_transaction', rank::text, true);
        NEW.transaction_id := pg_current_xact_id();
        NEW.global_position := (NEW.transaction_id::text::bigint << 20) + rank;
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_assign_global_position
      BEFORE INSERT ON event_store.events
      FOR EACH ROW EXECUTE FUNCTION event_store.assign_global_position()`);
    // Append-only: history is never rewritten in place.
    await queryRunner.query(`
      CREATE FUNCTION event_store.refuse_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'event_store.events is append-only';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER events_append_only
      BEFORE UPDATE OR DELETE ON event_store.events
      FOR EACH STATEMENT EXECUTE FUNCTION event_store.refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE event_store.events`);
    await queryRunner.query(`DROP FUNCTION event_store.assign_global_position()`);
    await queryRunner.query(`DROP FUNCTION event_store.refuse_change()`);
    await queryRunner.query(`DROP SCHEMA IF EXISTS event_store`);
  }
}
