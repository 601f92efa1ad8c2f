import type { EntityManager } from 'typeorm';
import { shadowSchemaOf, type ShadowProjection } from '@carecircle/platform/event-store';
import type { EventRoute } from '../consumer/event-route';

export interface KeptMessageProjection {
  /** See `ShadowProjection`: the rebuild's name and the live schema. */
  name: string;
  schema: string;
  /** The read model's tables, in the order the live path first writes them (the swap locks them so). */
  tables: readonly string[];
  /** The consumer group whose inbox kept the events, and the topics (kept: `TopicRoutes.keep`) it reads. */
  consumer: string;
  topics: readonly string[];
  /** The read model's own routes, its projection only: other types are passed over. */
  routes: readonly EventRoute[];
  /** Reads the kept events and runs the page transactions that write the shadow rows. */
  writer: Pick<EntityManager, 'transaction' | 'query'>;
  pageSize?: number;
}

type KeptRow = { position: string; type: string; body: unknown };

/**
 * A read model fed by other services' topics as a `ShadowProjection`, rebuilt from the events its inbox
 * kept (`kept_message`), in the order their inbox transactions drew them, with the read model's own
 * routes (parsed by their contracts as on the live path) into the shadow schema.
 *
 * The horizon outside the swap is the last kept event read under a SHARE lock, so every event at or
 * below it is committed. At the swap the read model's tables are locked against writers first: an inbox
 * transaction that has written them has then committed (its kept event is folded), and one that has not
 * waits (its kept event is not yet visible, and it writes to the rebuilt tables after the swap). No lock
 * on `kept_message` is taken there, so a batch transaction between two events cannot deadlock the swap.
 */
export function keptMessageProjection(projection: KeptMessageProjection): ShadowProjection {
  const { name, schema, tables, consumer, topics, writer, pageSize = 1_000 } = projection;
  const routes = new Map(projection.routes.map((route) => [route.type, route]));
  return {
    name,
    schema,
    tables,
    indexes: 'before-load',
    preflight: async (sql) => {
      const [early] = await sql(
        `SELECT 1 FROM processed_message WHERE consumer = $1
            AND processed_at < (SELECT max(started_at) FROM kept_message_start) LIMIT 1`,
        [consumer],
      );
      if (early)
        throw new Error(
          `${name}: ${consumer} handled events before its inbox kept them; the read model cannot be rebuilt from zero`,
        );
    },
    horizon: async (sql, swapping) => {
      if (swapping) await sql(`LOCK TABLE ${tables.map((table) => `${schema}.${table}`).join(', ')} IN EXCLUSIVE MODE`);
      else await sql('LOCK TABLE kept_message IN SHARE MODE');
      const [row] = await sql<{ seq: string }>(
        'SELECT coalesce(max(seq), 0)::text AS seq FROM kept_message WHERE consumer = $1 AND topic = ANY($2)',
        [consumer, topics],
      );
      return row?.seq ?? '0';
    },
    count: async (sql, until) => {
      const [row] = await sql<{ events: string }>(
        `SELECT count(*)::text AS events FROM kept_message WHERE consumer = $1 AND topic = ANY($2) AND seq <= $3::bigint`,
        [consumer, topics, until],
      );
      return Number(row?.events ?? 0);
    },
    fold: async (range, page) => {
      let after = range.after;
      let folded = 0;
      for (;;) {
        const rows: KeptRow[] = await writer.query(
          `SELECT seq::text AS position, type, body FROM kept_message
            WHERE consumer = $1 AND topic = ANY($2) AND seq > $3::bigint AND seq <= $4::bigint ORDER BY seq LIMIT $5`,
          [consumer, topics, after, range.until, pageSize],
        );
        const last = rows.at(-1);
        if (!last) return folded;
        await writer.transaction(async (tx) => {
          // The routes' unqualified table names resolve to the shadows for this transaction only.
          await tx.query(`SET LOCAL search_path TO ${shadowSchemaOf(name)}`);
          for (const row of rows) {
            const route = routes.get(row.type);
            if (route) await route.effect(route.parse(row.body), tx);
          }
        });
        after = last.position;
        folded += rows.length;
        await page(rows.length);
      }
    },
  };
}
