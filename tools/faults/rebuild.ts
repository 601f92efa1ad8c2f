import { Client } from 'pg';
import { Topics } from '@carecircle/contracts';
import {
  ENROLLMENT_CONSUMER,
  enrollmentReadModelEntities,
  rebuildGroupCatalogue,
} from '@carecircle/enrollment/read-models';
import { coordinationUpcasters } from '@carecircle/clinician-liaison/application';
import { LIAISON_PROCESSOR, liaisonReadModelEntities, rebuildAlerts } from '@carecircle/clinician-liaison/read-models';
import { rebuildTimeline } from '@carecircle/gateway/read-models';
import { COHORT_CONSUMER, COHORT_TOPICS, rebuildCohort } from '@carecircle/outcomes/read-models';
import { runRebuildCommand, sqlOfPool, type RebuildReporting } from '@carecircle/platform/event-store';
import {
  rebuildRoster,
  rebuildUpcomingSessions,
  ROSTER_CONSUMER,
  schedulingReadModelEntities,
  UPCOMING_SESSIONS,
} from '@carecircle/scheduling/read-models';
import type { FaultSystem } from './fault-system';

/** Progress of a rebuild run by the checks: nothing printed. */
const QUIET: RebuildReporting = {
  out: { write: () => true } as unknown as NodeJS.WritableStream,
  logger: { info: () => undefined },
};

interface ReadModelRebuild {
  /** Names the schema the live tables are copied into (two checks may share a database). */
  name: string;
  /** The live tables (schema-qualified) and the columns compared (`*`, or all but numbers a rebuild draws afresh). */
  tables: Record<string, string>;
  /**
   * The live path's horizon, read in the copy's REPEATABLE READ transaction (taking the lock it needs): the
   * copied rows hold exactly the events up to it.
   */
  horizon(client: Client): Promise<string>;
  /** The read model's own rebuild command, run against the live database (it swaps the rebuilt tables in). */
  rebuild(url: string): Promise<unknown>;
}

/**
 * A read model against its own rebuild from zero, the one its operator command runs: the live tables are
 * copied at the live path's horizon, the read model is rebuilt (and swapped in), and the rows compared both
 * ways. When the horizon moved meanwhile (a late escalation), the comparison is taken again, at most three
 * times.
 */
async function differsFromItsRebuild(url: string, readModel: ReadModelRebuild): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  // The live tables as they were at the comparison's snapshot.
  const LIVE_COPY = `faults_live_${readModel.name}`;
  const copyOf = (table: string) => `${LIVE_COPY}.${table.replace('.', '__')}`;
  try {
    let differing = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      await client.query(`DROP SCHEMA IF EXISTS ${LIVE_COPY} CASCADE`);
      await client.query(`CREATE SCHEMA ${LIVE_COPY}`);
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const before = await readModel.horizon(client);
      for (const [table, columns] of Object.entries(readModel.tables))
        await client.query(`CREATE TABLE ${copyOf(table)} AS SELECT ${columns} FROM ${table}`);
      await client.query('COMMIT');
      await readModel.rebuild(url);
      differing = 0;
      for (const [table, columns] of Object.entries(readModel.tables)) {
        const { rows } = await client.query<{ n: string }>(
          `SELECT (SELECT count(*) FROM (SELECT ${columns} FROM ${table} EXCEPT ALL SELECT * FROM ${copyOf(table)}) a)
                + (SELECT count(*) FROM (SELECT * FROM ${copyOf(table)} EXCEPT ALL SELECT ${columns} FROM ${table}) b) AS n`,
        );
        differing += Number(rows[0]!.n);
      }
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const after = await readModel.horizon(client);
      await client.query('COMMIT');
      if (differing === 0 || after === before) break;
    }
    return differing;
  } finally {
    await client.query(`DROP SCHEMA IF EXISTS ${LIVE_COPY} CASCADE`).catch(() => undefined);
    await client.end();
  }
}

const firstValue = async (client: Client, text: string, params: unknown[] = []) =>
  String(Object.values((await client.query(text, params)).rows[0] ?? { none: '0' })[0] ?? '0');

/** clinician-liaison's alert inbox against `alerts:rebuild` (from its own log, up to the processor's checkpoint). */
export function alertsDifferFromRebuild(system: FaultSystem): Promise<number> {
  return differsFromItsRebuild(system.databaseUrl('clinician-liaison'), {
    name: 'alerts',
    tables: { 'public.liaison_alert': '*' },
    horizon: (client) =>
      firstValue(client, 'SELECT position FROM liaison_processor_checkpoint WHERE processor = $1', [LIAISON_PROCESSOR]),
    rebuild: (url) =>
      runRebuildCommand(
        url,
        {
          what: 'liaison alerts',
          upcasters: coordinationUpcasters,
          entities: liaisonReadModelEntities,
          rebuild: rebuildAlerts,
        },
        QUIET,
      ),
  });
}

/** scheduling's upcoming sessions against `sessions:rebuild` (from its own log, up to the projection's checkpoint). */
export function sessionsDifferFromRebuild(system: FaultSystem): Promise<number> {
  return differsFromItsRebuild(system.databaseUrl('scheduling'), {
    name: 'sessions',
    tables: { 'public.schedule_session': '*', 'public.schedule_group_facilitator': '*' },
    horizon: (client) =>
      firstValue(client, 'SELECT position FROM scheduling_projection_checkpoint WHERE projection = $1', [
        UPCOMING_SESSIONS,
      ]),
    rebuild: (url) =>
      runRebuildCommand(
        url,
        { what: 'upcoming sessions', entities: schedulingReadModelEntities, rebuild: rebuildUpcomingSessions },
        QUIET,
      ),
  });
}

/** The last event a consumer's inbox kept of `topics`, read once no inbox transaction is in flight. */
const keptHorizon = (consumer: string, topics: readonly string[]) => async (client: Client) => {
  await client.query('LOCK TABLE kept_message IN SHARE MODE');
  return firstValue(
    client,
    'SELECT coalesce(max(seq), 0)::text FROM kept_message WHERE consumer = $1 AND topic = ANY($2)',
    [consumer, topics],
  );
};

/** scheduling's rosters against `roster:rebuild` (from the enrollment events its inbox kept). */
export function rostersDifferFromRebuild(system: FaultSystem): Promise<number> {
  return differsFromItsRebuild(system.databaseUrl('scheduling'), {
    name: 'roster',
    tables: { 'public.roster_entry': '*', 'public.group_roster_summary': '*' },
    horizon: keptHorizon(ROSTER_CONSUMER, [Topics.enrollment]),
    rebuild: (url) =>
      runRebuildCommand(
        url,
        { what: 'scheduling roster', entities: schedulingReadModelEntities, rebuild: rebuildRoster },
        QUIET,
      ),
  });
}

/** outcomes' cohort (measures, groups, attendance) against `cohort:rebuild` (from the events its inbox kept). */
export function outcomesDifferFromRebuild(system: FaultSystem): Promise<number> {
  return differsFromItsRebuild(system.databaseUrl('outcomes'), {
    name: 'cohort',
    tables: { 'public.outcome_measure': '*', 'public.cohort_group': '*', 'public.member_session_attendance': '*' },
    horizon: keptHorizon(COHORT_CONSUMER, COHORT_TOPICS),
    rebuild: (url) => runRebuildCommand(url, { what: 'outcomes cohort', entities: [], rebuild: rebuildCohort }, QUIET),
  });
}

/** enrollment's group catalogue against `catalogue:rebuild` (from the scheduling events its inbox kept). */
export function catalogueDiffersFromRebuild(system: FaultSystem): Promise<number> {
  return differsFromItsRebuild(system.databaseUrl('enrollment'), {
    name: 'catalogue',
    tables: { 'public.enrollment_group_catalogue': '*' },
    horizon: keptHorizon(ENROLLMENT_CONSUMER, [Topics.scheduling]),
    rebuild: (url) =>
      runRebuildCommand(
        url,
        { what: 'group catalogue', entities: enrollmentReadModelEntities, rebuild: rebuildGroupCatalogue },
        QUIET,
      ),
  });
}

/**
 * The gateway's care timeline against `timeline:rebuild` (from the source events it kept); `changed_seq` is
 * left out (a rebuild draws change numbers afresh).
 */
export function timelineDiffersFromRebuild(system: FaultSystem): Promise<number> {
  return differsFromItsRebuild(system.databaseUrl('gateway'), {
    name: 'timeline',
    tables: {
      'gateway.timeline_entry': 'member_id, source_event_id, at, kind, alert_id, entry',
      'gateway.timeline_group_facilitator': '*',
      'gateway.timeline_group_member': '*',
      'gateway.timeline_member_sharing': '*',
    },
    horizon: async (client) => {
      await client.query('LOCK TABLE gateway.timeline_source_event IN SHARE MODE');
      return firstValue(client, 'SELECT coalesce(max(seq), 0)::text FROM gateway.timeline_source_event');
    },
    rebuild: async (url) => {
      const [client, reader] = [new Client({ connectionString: url }), new Client({ connectionString: url })];
      try {
        await client.connect();
        await reader.connect();
        await rebuildTimeline(sqlOfPool(client), { reader: sqlOfPool(reader) });
      } finally {
        await Promise.allSettled([client.end(), reader.end()]);
      }
    },
  });
}
