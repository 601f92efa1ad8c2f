import { DataSource } from 'typeorm';
import type { CatalogueGroup } from '@carecircle/enrollment/domain';
import { runMigrations } from '@carecircle/platform/event-store';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { enrollmentReadModelEntities, enrollmentReadModelMigrations } from '../index';
import { CatalogueGroupRow } from './catalogue-group.entity';
import {
  projectCatalogueFact,
  TypeOrmGroupCatalogue,
  TypeOrmProcessCheckpoint,
  type CatalogueFact,
} from './group-catalogue.projection';

/**
 * Enrollment's group catalogue on real PostgreSQL, fed as scheduling's GroupFormed, GroupChanged and
 * GroupClosed reach it: the latest description wins, a closed group stays closed, a new group waits once
 * for its seats to be offered to waitlists, and anything applied again changes nothing.
 */
describe('group catalogue projection', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let catalogue: TypeOrmGroupCatalogue;

  beforeAll(async () => {
    db = await createTestDatabase('enrollment_group_catalogue');
    await runMigrations(db.url, enrollmentReadModelMigrations);
    dataSource = new DataSource({ type: 'postgres', url: db.url, entities: enrollmentReadModelEntities });
    await dataSource.initialize();
    catalogue = new TypeOrmGroupCatalogue(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  beforeEach(() =>
    dataSource.query('TRUNCATE enrollment_group_catalogue, enrollment_group_opened, enrollment_process_checkpoint'),
  );

  const apply = (fact: CatalogueFact) => dataSource.transaction((tx) => projectCatalogueFact(tx, fact));
  const row = (groupId: string) => dataSource.getRepository(CatalogueGroupRow).findOneByOrFail({ groupId });

  const description = (groupId: string): Omit<CatalogueGroup, 'closed'> => ({
    groupId,
    groupType: 'disease-specific',
    condition: 'cancer',
    stage: 'post-surgical-recovery',
    seats: 8,
    openness: 'closed',
    modality: 'in-person',
    cadence: 'weekly',
    ageBand: { min: 18, max: 65 },
    facilitatorIds: ['fac_synthetic_01'],
    firstSessionAt: '2026-02-02T18:00:00+01:00',
  });
  // What enrollment's scheduling-events controller makes of each event.
  const formed = (group: Omit<CatalogueGroup, 'closed'>): CatalogueFact => ({
    type: 'GroupDescribed',
    group,
    formed: true,
  });
  const changed = (group: Omit<CatalogueGroup, 'closed'>): CatalogueFact => ({ type: 'GroupDescribed', group });
  const closed = (groupId: string): CatalogueFact => ({ type: 'GroupClosed', groupId });

  it('catalogues a formed group as the matching port reads it, waiting for its seats to be offered', async () => {
    await apply(formed(description('grp_synthetic_a')));

    expect(await catalogue.find('grp_synthetic_a')).toEqual({
      ...description('grp_synthetic_a'),
      // timestamptz comes back in UTC.
      firstSessionAt: '2026-02-02T17:00:00.000Z',
      closed: false,
    });
    expect((await catalogue.pending()).map((g) => g.groupId)).toEqual(['grp_synthetic_a']);
    expect(await catalogue.find('grp_synthetic_missing')).toBeNull();
  });

  it('replaces the description on a change, dropping a condition and stage no longer described', async () => {
    await apply(formed(description('grp_synthetic_a')));
    const { condition: _condition, stage: _stage, ...rest } = description('grp_synthetic_a');
    const reshaped = {
      ...rest,
      groupType: 'general-emotional-support' as const,
      seats: 10,
      openness: 'open' as const,
      modality: 'hybrid' as const,
      cadence: 'biweekly' as const,
      ageBand: { min: 40, max: 80 },
      facilitatorIds: ['fac_synthetic_02', 'fac_synthetic_03'],
      firstSessionAt: '2026-02-09T17:00:00.000Z',
    };
    await apply(changed(reshaped));

    expect(await catalogue.find('grp_synthetic_a')).toEqual({ ...reshaped, closed: false });
    expect(await row('grp_synthetic_a')).toMatchObject({ condition: null, stage: null });
  });

  it('changes nothing when an event is applied again, and a repeated GroupFormed does not reopen offered seats', async () => {
    await apply(formed(description('grp_synthetic_a')));
    await apply(changed({ ...description('grp_synthetic_a'), seats: 12 }));
    await catalogue.markOpened('grp_synthetic_a');
    const before = await row('grp_synthetic_a');
    expect(before).toMatchObject({ seats: 12, newlyFormed: true });
    expect(await catalogue.pending()).toEqual([]);

    await apply(changed({ ...description('grp_synthetic_a'), seats: 12 }));
    await apply(formed({ ...description('grp_synthetic_a'), seats: 12 }));
    expect(await row('grp_synthetic_a')).toEqual(before);
    expect(await catalogue.pending()).toEqual([]);
    expect(await dataSource.getRepository(CatalogueGroupRow).count()).toBe(1);
  });

  it('keeps a closed group closed when a description arrives after the closing', async () => {
    await apply(formed(description('grp_synthetic_a')));
    await apply(formed(description('grp_synthetic_b')));
    await apply(closed('grp_synthetic_a'));
    await apply(changed({ ...description('grp_synthetic_a'), seats: 6 }));
    expect((await catalogue.list()).map((g) => [g.groupId, g.seats, g.closed])).toEqual([
      ['grp_synthetic_a', 6, true],
      ['grp_synthetic_b', 8, false],
    ]);

    await apply(closed('grp_synthetic_a'));
    expect(await row('grp_synthetic_a')).toMatchObject({ seats: 6, closed: true });
  });

  it('ignores the closing of a group it never catalogued', async () => {
    await apply(closed('grp_synthetic_unknown'));
    expect(await catalogue.list()).toEqual([]);
  });

  it('does not offer the seats of a group first seen through a change (only GroupFormed marks a new group)', async () => {
    await apply(changed(description('grp_synthetic_c')));
    expect(await row('grp_synthetic_c')).toMatchObject({ newlyFormed: false, seats: 8 });
    expect(await catalogue.pending()).toEqual([]);
  });

  it('lists pending groups in id order and forgets each one once marked opened', async () => {
    await apply(formed(description('grp_synthetic_b')));
    await apply(formed(description('grp_synthetic_a')));
    expect((await catalogue.pending()).map((g) => g.groupId)).toEqual(['grp_synthetic_a', 'grp_synthetic_b']);

    await catalogue.markOpened('grp_synthetic_a');
    expect((await catalogue.pending()).map((g) => g.groupId)).toEqual(['grp_synthetic_b']);
    expect((await catalogue.list()).map((g) => g.groupId)).toEqual(['grp_synthetic_a', 'grp_synthetic_b']);
  });

  it('keeps each process checkpoint apart and never moves one back', async () => {
    const repair = new TypeOrmProcessCheckpoint(dataSource, 'placement-repair');
    const lapse = new TypeOrmProcessCheckpoint(dataSource, 'consent-lapse');
    expect(await repair.load()).toBeUndefined();

    // Past Number.MAX_SAFE_INTEGER, so a position read back through a JS number would be off by one.
    await repair.save(9_007_199_254_740_993n);
    await repair.save(41n);
    await lapse.save(7n);
    expect(await repair.load()).toBe(9_007_199_254_740_993n);
    expect(await lapse.load()).toBe(7n);
  });
});
