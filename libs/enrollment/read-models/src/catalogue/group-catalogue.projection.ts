import type { DataSource, EntityManager } from 'typeorm';
import { GroupChanged, GroupClosed, GroupFormed, type EventOf } from '@carecircle/contracts';
import type { CatalogueGroup } from '@carecircle/enrollment/domain';
import { on, type EventRoute } from '@carecircle/platform/messaging';
import { CatalogueGroupRow } from './catalogue-group.entity';

/** What the catalogue learns from scheduling: a group's whole current description, or its closing. */
export type CatalogueFact =
  /** `formed`: the group is new (GroupFormed), so its seats are still to be offered to waitlists of full groups. */
  | { type: 'GroupDescribed'; group: Omit<CatalogueGroup, 'closed'>; formed?: boolean }
  | { type: 'GroupClosed'; groupId: string };

/**
 * Applies one catalogue fact inside the caller's transaction (the inbox's). GroupFormed and GroupChanged
 * both carry the whole description, so applying them is an upsert; a closed group stays closed.
 */
export async function projectCatalogueFact(tx: EntityManager, fact: CatalogueFact): Promise<void> {
  switch (fact.type) {
    case 'GroupDescribed': {
      const { group } = fact;
      await tx.query(
        `INSERT INTO enrollment_group_catalogue
           (group_id, group_type, condition, stage, seats, openness, modality, cadence, age_min, age_max, facilitator_ids, first_session_at, newly_formed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (group_id) DO UPDATE SET
           group_type = EXCLUDED.group_type, condition = EXCLUDED.condition, stage = EXCLUDED.stage, seats = EXCLUDED.seats,
           openness = EXCLUDED.openness, modality = EXCLUDED.modality, cadence = EXCLUDED.cadence, age_min = EXCLUDED.age_min,
           age_max = EXCLUDED.age_max, facilitator_ids = EXCLUDED.facilitator_ids, first_session_at = EXCLUDED.first_session_at`,
        [
          group.groupId,
          group.groupType,
          group.condition ?? null,
          group.stage ?? null,
          group.seats,
          group.openness,
          group.modality,
          group.cadence,
          group.ageBand.min,
          group.ageBand.max,
          JSON.stringify(group.facilitatorIds),
          group.firstSessionAt,
          fact.formed === true,
        ],
      );
      return;
    }
    case 'GroupClosed':
      await tx.query('UPDATE enrollment_group_catalogue SET closed = true WHERE group_id = $1', [fact.groupId]);
      return;
  }
}

function describedGroup(event: EventOf<typeof GroupFormed> | EventOf<typeof GroupChanged>) {
  const { groupId, groupType, condition, stage, seats, openness, modality, cadence, ageBand, facilitatorIds } =
    event.payload;
  return {
    groupId,
    groupType,
    ...(condition ? { condition } : {}),
    ...(stage ? { stage } : {}),
    seats,
    openness,
    modality,
    cadence,
    ageBand,
    facilitatorIds,
    firstSessionAt: event.payload.firstSessionAt,
  };
}

/**
 * Scheduling's group events as the catalogue's projection, and nothing else: the live topic handler and
 * the rebuild (`rebuildGroupCatalogue`, where these run against the shadow table) share them.
 */
export const groupCatalogueRoutes: readonly EventRoute[] = [
  // A new group: the seat keeper offers its seats to members waiting on full groups of its kind.
  on(GroupFormed, (event, tx) =>
    projectCatalogueFact(tx, { type: 'GroupDescribed', group: describedGroup(event), formed: true }),
  ),
  on(GroupChanged, (event, tx) => projectCatalogueFact(tx, { type: 'GroupDescribed', group: describedGroup(event) })),
  on(GroupClosed, (event, tx) => projectCatalogueFact(tx, { type: 'GroupClosed', groupId: event.payload.groupId })),
];

/** The catalogue as the application's `GroupCatalogue` port reads it. */
export class TypeOrmGroupCatalogue {
  constructor(private readonly dataSource: DataSource) {}

  async find(groupId: string): Promise<CatalogueGroup | null> {
    const row = await this.dataSource.getRepository(CatalogueGroupRow).findOne({ where: { groupId } });
    return row ? toGroup(row) : null;
  }

  async list(): Promise<CatalogueGroup[]> {
    return (await this.dataSource.getRepository(CatalogueGroupRow).find({ order: { groupId: 'ASC' } })).map(toGroup);
  }

  /** Newly formed groups whose seats are still to be offered to the waitlists of full groups. */
  async pending(): Promise<CatalogueGroup[]> {
    return (
      await this.dataSource
        .getRepository(CatalogueGroupRow)
        .createQueryBuilder('g')
        .where('g.newly_formed')
        .andWhere('NOT EXISTS (SELECT 1 FROM enrollment_group_opened o WHERE o.group_id = g.group_id)')
        .orderBy('g.group_id', 'ASC')
        .getMany()
    ).map(toGroup);
  }

  /** Kept apart from the catalogue's rows: a rebuild of the catalogue from scheduling's events leaves it be. */
  async markOpened(groupId: string): Promise<void> {
    await this.dataSource.query(
      'INSERT INTO enrollment_group_opened (group_id) VALUES ($1) ON CONFLICT (group_id) DO NOTHING',
      [groupId],
    );
  }
}

/** A process's durable place in the event log (the application's `ProcessCheckpoint` port). */
export class TypeOrmProcessCheckpoint {
  constructor(
    private readonly dataSource: DataSource,
    private readonly processName: string,
  ) {}

  async load(): Promise<bigint | undefined> {
    const rows: { position: string }[] = await this.dataSource.query(
      'SELECT position::text AS position FROM enrollment_process_checkpoint WHERE process_name = $1',
      [this.processName],
    );
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  /** Never moves back (two replicas may run the same process). */
  async save(position: bigint): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO enrollment_process_checkpoint (process_name, position) VALUES ($1, $2)
       ON CONFLICT (process_name) DO UPDATE SET position = GREATEST(enrollment_process_checkpoint.position, EXCLUDED.position)`,
      [this.processName, position.toString()],
    );
  }
}

function toGroup(row: CatalogueGroupRow): CatalogueGroup {
  return {
    groupId: row.groupId,
    groupType: row.groupType,
    ...(row.condition ? { condition: row.condition } : {}),
    ...(row.stage ? { stage: row.stage } : {}),
    seats: row.seats,
    openness: row.openness,
    modality: row.modality,
    cadence: row.cadence,
    ageBand: { min: row.ageMin, max: row.ageMax },
    facilitatorIds: row.facilitatorIds,
    firstSessionAt: row.firstSessionAt.toISOString(),
    closed: row.closed,
  };
}
