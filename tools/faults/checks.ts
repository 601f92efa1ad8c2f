import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { rosters, waitFor } from '@carecircle/platform/testing';
import type { FaultService, FaultSystem } from './fault-system';
import { FAULT_SERVICES } from './fault-system';
import type { LoadResult } from './load';
import {
  alertsDifferFromRebuild,
  catalogueDiffersFromRebuild,
  outcomesDifferFromRebuild,
  rostersDifferFromRebuild,
  sessionsDifferFromRebuild,
  timelineDiffersFromRebuild,
} from './rebuild';

/** Every checkpoint the services keep: the outbox relay's and each processor's/projection's, by table. */
const CHECKPOINT_TABLES = [
  'outbox_relay_checkpoint',
  'liaison_processor_checkpoint',
  'enrollment_process_checkpoint',
  'scheduling_projection_checkpoint',
] as const;

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Reads every checkpoint every `intervalMs` straight from PostgreSQL (not through the proxy, so it keeps
 * watching while the services are cut off), and every consumer group's committed offsets from the broker
 * (the Kafka consumers' checkpoints: outcomes' and the gateway's read models are fed that way), and
 * remembers any that moved backwards.
 */
export function watchCheckpoints(system: FaultSystem, intervalMs = 250) {
  const last = new Map<string, bigint>();
  const backwards: string[] = [];
  const watchedServices = new Set<FaultService>();
  let samples = 0;
  let stopped = false;
  const remember = (key: string, position: bigint) => {
    const before = last.get(key);
    if (before !== undefined && position < before) backwards.push(`${key}: ${before} -> ${position}`);
    last.set(key, position);
  };
  // Short requests and no retries: while the broker is frozen a sample is skipped, not the watch held.
  const kafka = new Kafka({
    clientId: 'faults-checkpoints',
    brokers: system.kafka.brokers,
    logLevel: logLevel.NOTHING,
    requestTimeout: 2_000,
    connectionTimeout: 2_000,
    retry: { retries: 0 },
  });
  const sampleOffsets = async (admin: Admin) => {
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups) {
      if (groupId.startsWith('faults-')) continue; // the suite's own readers
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        const service = FAULT_SERVICES.find((name) => groupId === name || groupId.startsWith(`${name}.`));
        for (const { partition, offset } of partitions) {
          if (Number(offset) < 0) continue; // nothing committed yet
          if (service) watchedServices.add(service);
          remember(`kafka/${groupId}/${topic}/${partition}`, BigInt(offset));
        }
      }
    }
  };
  const sample = async (service: FaultService, client: Client) => {
    for (const table of CHECKPOINT_TABLES) {
      const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table]);
      if (!exists.rows[0]?.t) continue;
      const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM ${table}`);
      for (const row of rows) {
        const [keyColumn] = Object.keys(row);
        if (row['position'] == null) continue;
        watchedServices.add(service);
        remember(`${service}/${table}/${String(row[keyColumn!])}`, BigInt(row['position'] as string));
      }
    }
  };
  const loop = (async () => {
    const clients = new Map<FaultService, Client>();
    const admin = kafka.admin();
    let adminConnected = false;
    try {
      for (const service of FAULT_SERVICES) {
        const client = new Client({ connectionString: system.databaseUrl(service) });
        client.on('error', () => undefined); // a dropped database ends the watch, not the suite
        await client.connect();
        clients.set(service, client);
      }
      while (!stopped) {
        for (const [service, client] of clients) await sample(service, client).catch(() => undefined); // a sample lost is a gap, not a failure
        try {
          if (!adminConnected) await admin.connect();
          adminConnected = true;
          await sampleOffsets(admin);
        } catch {
          adminConnected = false;
          await admin.disconnect().catch(() => undefined);
        }
        samples++;
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    } finally {
      for (const client of clients.values()) await client.end().catch(() => undefined);
      await admin.disconnect().catch(() => undefined);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      return { backwards, samples, checkpoints: last.size, services: watchedServices };
    },
  };
}

export interface ScenarioOutcome {
  accepted: number;
  lost: number;
  duplicateAlerts: number;
  webhooksPerAlert: number;
  /** Pushes flagged as possible duplicates: taken over from a replica killed while it held them. */
  possibleDuplicatePushes: number;
  /** Rows of every rebuildable read model unlike its rebuild from zero. */
  rebuildDiffers: number;
  converged: boolean;
  /** Why a scenario failed, in words (empty when it passed). */
  problems: string[];
}

/**
 * Waits (bounded) for every accepted command to reach every read model it feeds, then counts:
 *  - lost: enrolments missing from enrollment's or scheduling's roster or unknown to clinician-liaison,
 *    distress reports with no acute-distress alert, alerts never pushed, measures (outcomes' own and the
 *    gateway's Observations) missing from outcomes' cohort read model, and accepted commands of any
 *    service with no entry on the gateway's care timeline (found by the command's correlation id);
 *  - duplicateAlerts: acute-distress alerts beyond one per report, and roster enrolments applied twice;
 *  - webhooksPerAlert: the most pushes any alert received (exactly 1 is right), not counting pushes
 *    flagged as possible duplicates (taken over from a killed replica): those are reported apart;
 *  - rebuildDiffers: rows of the live alerts, rosters, upcoming sessions, group catalogue, outcomes cohort
 *    and care timeline unlike their rebuild from zero by their own rebuild commands (rebuild.ts);
 *  - converged: all of it reached within `timeoutMs`, no checkpoint moved backwards, and no replica the
 *    scenario did not kill has exited (recovery without a restart).
 */
export async function checkScenario(
  system: FaultSystem,
  load: LoadResult,
  checkpoints: { backwards: string[] },
  timeoutMs: number,
): Promise<ScenarioOutcome> {
  const problems: string[] = [];
  const groupIds = [...new Set(load.enrolments.map((e) => e.groupId))];
  const distressMembers = new Set(load.distressReported);
  const state = async () => {
    const scheduled = await rosters(() => system.url('scheduling'), groupIds);
    const onScheduling = new Set(scheduled.flatMap((r) => r.members.map((m) => m.memberId)));
    const appliedTwice = scheduled.reduce((sum, r) => sum + Math.max(0, r.enrolmentsApplied - r.members.length), 0);
    const onEnrollment = new Set<string>();
    for (const groupId of groupIds) {
      const response = await fetch(`${system.url('enrollment')}/api/enrollment/groups/${groupId}`);
      const body = (await response.json()) as { roster?: { memberId: string }[] };
      for (const member of body.roster ?? []) onEnrollment.add(member.memberId);
    }
    const alerts = await withClient(
      system.databaseUrl('clinician-liaison'),
      async (client) =>
        (
          await client.query<{ alert_id: string; member_id: string }>(
            "SELECT alert_id::text, member_id FROM liaison_alert WHERE rule = 'acute-distress' AND member_id = ANY($1)",
            [[...distressMembers]],
          )
        ).rows,
    );
    const liaisonKnows = await withClient(
      system.databaseUrl('clinician-liaison'),
      async (client) =>
        new Set(
          (
            await client.query<{ member_id: string }>(
              `SELECT DISTINCT data->>'memberId' AS member_id FROM event_store.events
              WHERE type = 'ExternalFactRecorded' AND data->'fact'->>'kind' = 'group-joined'`,
            )
          ).rows.map((row) => row.member_id),
        ),
    );
    const measuresFound = await withClient(system.databaseUrl('outcomes'), async (client) => {
      const own = await client.query<{ id: string }>(
        'SELECT measure_id::text AS id FROM outcome_measure WHERE measure_id::text = ANY($1)',
        [load.measureIds],
      );
      // The gateway's Observations: outcomes recorded each as a measure under the EHR request's correlation id.
      const ingested = await client.query<{ id: string }>(
        `SELECT DISTINCT e.metadata->>'correlationId' AS id FROM event_store.events e
           JOIN outcome_measure m ON m.measure_id::text = e.data->>'measureId'
          WHERE e.type = 'MeasureRecorded' AND e.metadata->>'correlationId' = ANY($1)`,
        [load.observations],
      );
      return { own: new Set(own.rows.map((r) => r.id)), ingested: new Set(ingested.rows.map((r) => r.id)) };
    });
    const onTimeline = await withClient(
      system.databaseUrl('gateway'),
      async (client) =>
        new Set(
          (
            await client.query<{ id: string }>(
              `SELECT DISTINCT s.body->>'correlationId' AS id FROM gateway.timeline_source_event s
                 JOIN gateway.timeline_entry t ON t.source_event_id = s.event_id
                WHERE s.body->>'correlationId' = ANY($1)`,
              [load.commands.map((c) => c.correlationId)],
            )
          ).rows.map((row) => row.id),
        ),
    );
    const alertsByMember = new Map<string, number>();
    for (const alert of alerts) alertsByMember.set(alert.member_id, (alertsByMember.get(alert.member_id) ?? 0) + 1);
    const pushes = system.webhooks.counts();
    const flaggedPushes = system.webhooks.possibleDuplicates();
    const missing = {
      enrollment: load.enrolments.filter((e) => !onEnrollment.has(e.memberId)).length,
      scheduling: load.enrolments.filter((e) => !onScheduling.has(e.memberId)).length,
      liaisonMembers: load.enrolments.filter((e) => !liaisonKnows.has(e.memberId)).length,
      alerts: [...distressMembers].filter((m) => !alertsByMember.has(m)).length,
      pushes: alerts.filter((a) => !pushes.has(a.alert_id) && !flaggedPushes.has(a.alert_id)).length,
      outcomesMeasures:
        load.measureIds.filter((id) => !measuresFound.own.has(id)).length +
        load.observations.filter((id) => !measuresFound.ingested.has(id)).length,
      gatewayTimeline: load.commands.filter((c) => !onTimeline.has(c.correlationId)).length,
    };
    const offTimeline = load.commands.filter((c) => !onTimeline.has(c.correlationId)).map((c) => c.kind);
    const duplicateAlerts = [...alertsByMember.values()].reduce((sum, n) => sum + n - 1, 0) + appliedTwice;
    // An alert reached only by a flagged push was still delivered once.
    const webhooksPerAlert = alerts.reduce(
      (max, a) => Math.max(max, pushes.get(a.alert_id) ?? (flaggedPushes.has(a.alert_id) ? 1 : 0)),
      0,
    );
    return {
      missing,
      offTimeline: [...new Set(offTimeline)],
      duplicateAlerts,
      webhooksPerAlert,
      possibleDuplicatePushes: [...flaggedPushes.values()].reduce((a, b) => a + b, 0),
      lost: Object.values(missing).reduce((a, b) => a + b, 0),
    };
  };
  let last: Awaited<ReturnType<typeof state>> | undefined;
  let reached = true;
  await waitFor(async () => (last = await state()).lost === 0, {
    timeoutMs,
    intervalMs: 500,
    description: 'every accepted command to reach every read model',
  }).catch((error: Error) => {
    reached = false;
    problems.push(error.message);
  });
  // Let late duplicates (a resent push, a redelivered event) show before counting them.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  last = await state();
  if (last.lost > 0)
    problems.push(
      `lost: ${JSON.stringify(last.missing)}${last.offTimeline.length > 0 ? ` (off the timeline: ${last.offTimeline.join(', ')})` : ''}`,
    );
  if (last.duplicateAlerts > 0) problems.push(`${last.duplicateAlerts} duplicate alerts/enrolments`);
  if (last.webhooksPerAlert > 1) problems.push(`an alert was pushed ${last.webhooksPerAlert} times`);
  if (load.failed.length > 0)
    problems.push(`${load.failed.length} member flows never accepted, e.g. ${load.failed[0]!.error.slice(0, 300)}`);
  const [alertRows, sessionRows, rosterRows, catalogueRows, outcomeRows, timelineRows] = await Promise.all([
    alertsDifferFromRebuild(system),
    sessionsDifferFromRebuild(system),
    rostersDifferFromRebuild(system),
    catalogueDiffersFromRebuild(system),
    outcomesDifferFromRebuild(system),
    timelineDiffersFromRebuild(system),
  ]);
  const differing = {
    alerts: alertRows,
    sessions: sessionRows,
    rosters: rosterRows,
    catalogue: catalogueRows,
    outcomes: outcomeRows,
    timeline: timelineRows,
  };
  const rebuildDiffers = Object.values(differing).reduce((a, b) => a + b, 0);
  if (rebuildDiffers > 0)
    problems.push(
      `${rebuildDiffers} read-model rows differ from their rebuild from zero: ${Object.entries(differing)
        .filter(([, n]) => n > 0)
        .map(([model, n]) => `${model} ${n}`)
        .join(', ')}`,
    );
  if (checkpoints.backwards.length > 0) problems.push(`checkpoints moved backwards: ${checkpoints.backwards[0]}`);
  for (const service of FAULT_SERVICES)
    for (const replica of system.replicas(service))
      if ((await Promise.race([replica.exited, Promise.resolve('running')])) !== 'running')
        problems.push(`${service} (pid ${replica.pid}) exited on its own:\n${replica.output().slice(-1500)}`);
  const converged = reached && checkpoints.backwards.length === 0 && load.failed.length === 0;
  return {
    accepted: load.accepted,
    lost: last.lost,
    duplicateAlerts: last.duplicateAlerts,
    webhooksPerAlert: last.webhooksPerAlert,
    possibleDuplicatePushes: last.possibleDuplicatePushes,
    rebuildDiffers,
    converged: converged && !problems.some((p) => p.includes('exited on its own')),
    problems,
  };
}
