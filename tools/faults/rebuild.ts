import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { Topics } from '@carecircle/contracts';
import type { AlertEvent } from '@carecircle/clinician-liaison/domain';
import { liaisonReadModelEntities, projectAlertEvent } from '@carecircle/clinician-liaison/read-models';
import { rebuildTimeline } from '@carecircle/gateway/read-models';
import { projectGroup, projectMeasure, type MeasureFact } from '@carecircle/outcomes/read-models';
import { projectRosterFact, schedulingReadModelEntities } from '@carecircle/scheduling/read-models';
import type { FaultSystem } from './fault-system';
import { sqlOfPool } from '@carecircle/platform/event-store';

const SCRATCH = 'faults_rebuild';
/** The live tables as they were at the comparison's snapshot. */
const LIVE_COPY = 'faults_live';

/**
 * Rebuilds a projection from zero with its own projection code, into empty copies of its tables in a
 * scratch schema of the service's database, and counts the rows that differ from the live tables (both
 * ways). 0 means the live read model equals its rebuild.
 */
async function rebuildAndCompare(
  databaseUrl: string,
  tables: readonly string[],
  entities: DataSource['options']['entities'],
  replay: (em: EntityManager, horizon: string | undefined) => Promise<void>,
  /**
   * For a projection whose checkpoint commits with its rows: reads the checkpoint, which is then the horizon
   * the replay stops at, in the snapshot the live rows are copied in, so a processor still catching up (or
   * a late escalation) compares with the events it has applied, not those it has yet to.
   */
  checkpoint?: (admin: Client) => Promise<string | undefined>,
): Promise<number> {
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities,
    // The projection's unqualified table names resolve to the scratch copies.
    extra: { options: `-c search_path=${SCRATCH}`, max: 2 },
  });
  try {
    for (const schema of [SCRATCH, LIVE_COPY]) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.query(`CREATE SCHEMA ${schema}`);
    }
    for (const table of tables)
      await admin.query(
        `CREATE TABLE ${SCRATCH}.${table} (LIKE public.${table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`,
      );
    // The live rows and the checkpoint they were applied up to, in one snapshot.
    await admin.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    const horizon = await checkpoint?.(admin);
    for (const table of tables)
      await admin.query(`CREATE TABLE ${LIVE_COPY}.${table} AS SELECT * FROM public.${table}`);
    await admin.query('COMMIT');
    await dataSource.initialize();
    await replay(dataSource.manager, horizon);
    let differing = 0;
    for (const table of tables) {
      const { rows } = await admin.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM (SELECT * FROM ${LIVE_COPY}.${table} EXCEPT ALL SELECT * FROM ${SCRATCH}.${table}) a)
              + (SELECT count(*) FROM (SELECT * FROM ${SCRATCH}.${table} EXCEPT ALL SELECT * FROM ${LIVE_COPY}.${table}) b) AS n`,
      );
      differing += Number(rows[0]!.n);
    }
    return differing;
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    for (const schema of [SCRATCH, LIVE_COPY])
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await admin.end();
  }
}

/** clinician-liaison's alerts, replayed from its event store's alert events from position zero. */
export async function alertsDifferFromRebuild(system: FaultSystem): Promise<number> {
  const url = system.databaseUrl('clinician-liaison');
  return rebuildAndCompare(
    url,
    ['liaison_alert'],
    liaisonReadModelEntities,
    async (em, horizon) => {
      const rows: { type: string; data: unknown }[] = await em.query(
        `SELECT type, data FROM event_store.events
          WHERE type IN ('AlertRaised', 'AlertDelivered', 'AlertAcknowledged', 'AlertEscalated', 'AlertResolved')
            AND ($1::bigint IS NULL OR global_position <= $1::bigint)
          ORDER BY global_position`,
        [horizon ?? null],
      );
      for (const row of rows)
        await em.transaction((tx) => projectAlertEvent(tx, { type: row.type, data: row.data } as AlertEvent));
    },
    async (admin) =>
      (
        await admin.query<{ position: string }>(
          "SELECT position::text AS position FROM liaison_processor_checkpoint WHERE processor = 'liaison-processor'",
        )
      ).rows[0]?.position,
  );
}

/**
 * scheduling's rosters, replayed from enrollment's topic from offset zero (its source) with the inbox's
 * rule: each event id applied once.
 */
export async function rostersDifferFromRebuild(system: FaultSystem): Promise<number> {
  const events = await readWholeTopic(system.kafka.brokers, Topics.enrollment);
  return rebuildAndCompare(
    system.databaseUrl('scheduling'),
    ['roster_entry', 'group_roster_summary'],
    schedulingReadModelEntities,
    async (em) => {
      const seen = new Set<string>();
      for (const event of events) {
        if (seen.has(event.eventId)) continue;
        seen.add(event.eventId);
        if (event.type === 'MemberEnrolled') {
          const { groupId, memberRole, enrolledAt } = event.payload as Record<string, string>;
          await em.transaction((tx) =>
            projectRosterFact(tx, {
              type: 'MemberEnrolled',
              memberId: event.subject,
              groupId: groupId!,
              memberRole: memberRole as 'patient',
              enrolledAt: enrolledAt!,
            }),
          );
        } else if (event.type === 'MemberWithdrew') {
          const { groupId, withdrewAt } = event.payload as Record<string, string>;
          await em.transaction((tx) =>
            projectRosterFact(tx, {
              type: 'MemberWithdrew',
              memberId: event.subject,
              groupId: groupId!,
              withdrewAt: withdrewAt!,
            }),
          );
        }
      }
    },
  );
}

/**
 * outcomes' cohort read model (measures and groups), replayed from its sources from offset zero with
 * the inbox's rule (each event id applied once): its own topic's measures and scheduling's groups.
 */
export async function outcomesDifferFromRebuild(system: FaultSystem): Promise<number> {
  const [measures, scheduling] = await Promise.all([
    readWholeTopic(system.kafka.brokers, Topics.outcomes),
    readWholeTopic(system.kafka.brokers, Topics.scheduling),
  ]);
  return rebuildAndCompare(
    system.databaseUrl('outcomes'),
    ['outcome_measure', 'cohort_group', 'member_session_attendance'],
    [],
    async (em) => {
      const seen = new Set<string>();
      for (const event of [...measures, ...scheduling]) {
        if (seen.has(event.eventId)) continue;
        seen.add(event.eventId);
        const payload = event.payload as Record<string, unknown>;
        if (event.type === 'MeasureRecorded' || event.type === 'MeasureCorrected')
          await em.transaction((tx) => projectMeasure(tx, { ...payload, memberId: event.subject } as MeasureFact));
        else if (event.type === 'GroupFormed' || event.type === 'GroupChanged')
          await em.transaction((tx) =>
            projectGroup(tx, {
              groupId: String(payload['groupId']),
              groupType: String(payload['groupType']),
              condition: (payload['condition'] as string | undefined) ?? null,
            }),
          );
      }
    },
  );
}

/** The care timeline's derived tables; `changed_seq` is left out (a rebuild draws change numbers afresh). */
const TIMELINE_TABLES = {
  timeline_entry: 'member_id, source_event_id, at, kind, alert_id, entry',
  timeline_group_facilitator: '*',
  timeline_group_member: '*',
  timeline_member_sharing: '*',
} as const;

/**
 * The gateway's care timeline against its own rebuild (`rebuildTimeline`, the one `npm run
 * timeline:rebuild` runs: from the source events it kept, into shadow tables swapped in): the live tables
 * are copied at a horizon (no writer in flight), rebuilt, and the rows compared both ways. When events
 * arrived meanwhile (a late escalation), the comparison is taken again, at most three times.
 */
export async function timelineDiffersFromRebuild(system: FaultSystem): Promise<number> {
  const url = system.databaseUrl('gateway');
  const [client, reader] = [new Client({ connectionString: url }), new Client({ connectionString: url })];
  await client.connect();
  await reader.connect();
  try {
    let differing = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      await client.query(`DROP SCHEMA IF EXISTS ${SCRATCH} CASCADE`);
      await client.query(`CREATE SCHEMA ${SCRATCH}`);
      await client.query('BEGIN');
      await client.query('LOCK TABLE gateway.timeline_source_event IN SHARE MODE');
      const horizon = async () =>
        (
          await client.query<{ n: string }>(
            'SELECT coalesce(max(seq), 0)::text AS n FROM gateway.timeline_source_event',
          )
        ).rows[0]!.n;
      const before = await horizon();
      for (const [table, columns] of Object.entries(TIMELINE_TABLES))
        await client.query(`CREATE TABLE ${SCRATCH}.${table} AS SELECT ${columns} FROM gateway.${table}`);
      await client.query('COMMIT');
      await rebuildTimeline(sqlOfPool(client), { reader: sqlOfPool(reader) });
      differing = 0;
      for (const [table, columns] of Object.entries(TIMELINE_TABLES)) {
        const { rows } = await client.query<{ n: string }>(
          `SELECT (SELECT count(*) FROM (SELECT ${columns} FROM gateway.${table} EXCEPT ALL SELECT * FROM ${SCRATCH}.${table}) a)
                + (SELECT count(*) FROM (SELECT * FROM ${SCRATCH}.${table} EXCEPT ALL SELECT ${columns} FROM gateway.${table}) b) AS n`,
        );
        differing += Number(rows[0]!.n);
      }
      if (differing === 0 || (await horizon()) === before) break;
    }
    return differing;
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${SCRATCH} CASCADE`).catch(() => undefined);
    await Promise.all([client.end(), reader.end()]);
  }
}

interface Envelope {
  eventId: string;
  type: string;
  subject: string;
  payload: unknown;
}

/**
 * Every well-formed integration event on `topic`, in each partition's order, from offset zero to the
 * end it has now, read by a consumer group of its own.
 */
async function readWholeTopic(brokers: string[], topic: string): Promise<Envelope[]> {
  const kafka = new Kafka({ clientId: 'faults-rebuild', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const remaining = new Map(ends.filter((p) => BigInt(p.high) > 0n).map((p) => [p.partition, BigInt(p.high)]));
  const events: Envelope[] = [];
  if (remaining.size === 0) return events;
  const consumer = kafka.consumer({ groupId: `faults-rebuild-${randomBytes(4).toString('hex')}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        const end = remaining.get(partition);
        if (end === undefined || BigInt(message.offset) >= end) return;
        try {
          const parsed = JSON.parse(message.value?.toString() ?? '') as Envelope;
          if (typeof parsed.eventId === 'string' && typeof parsed.type === 'string') events.push(parsed);
        } catch {
          // a poison message: the live consumer parks it, the rebuild skips it
        }
        if (BigInt(message.offset) + 1n >= end) {
          remaining.delete(partition);
          if (remaining.size === 0) finished();
        }
      },
    });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      done,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`reading ${topic} from zero took over 60 s`)), 60_000);
      }),
    ]).finally(() => clearTimeout(timer));
  } finally {
    await consumer.disconnect();
  }
  return events;
}
