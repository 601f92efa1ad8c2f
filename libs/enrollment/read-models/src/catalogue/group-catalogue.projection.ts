import type { DataSource, EntityManager } from 'typeorm';
import type { CatalogueGroup } from '@carecircle/enrollment/domain';
import { CatalogueGroupRow } from './catalogue-group.entity';

/** What the catalogue learns from scheduling: a group's whole current description, or its closing. */
export type CatalogueFact =
  | { type: 'GroupDescribed'; group: Omit<CatalogueGroup, 'closed'> }
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
           (group_id, group_type, condition, stage, seats, openness, modality, cadence, age_min, age_max, facilitator_ids, first_session_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (group_id) DO UPDATE SET
           group_type = EXCLUDED.group_type, condition = EXCLUDED.condition, stage = EXCLUDED.stage, seats = EXCLUDED.seats,
           openness = EXCLUDED.openness, modality = EXCLUDED.modality, cadence = EXCLUDED.cadence, age_min = EXCLUDED.age_min,
           age_max = EXCLUDED.age_max, facilitator_ids = EXCLUDED.facilitator_ids, first_session_at = EXCLUDED.first_session_at`,
        [
          group.groupId, group.groupType, group.condition ?? null, group.stage ?? null, group.seats, group.openness, group.modality,
          group.cadence, group.ageBand.min, group.ageBand.max, JSON.stringify(group.facilitatorIds), group.firstSessionAt,
        ],
      );
      return;
    }
    case 'GroupClosed':
      await tx.query('UPDATE enrollment_group_catalogue SET closed = true WHERE group_id = $1', [fact.groupId]);
      return;
  }
}

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
