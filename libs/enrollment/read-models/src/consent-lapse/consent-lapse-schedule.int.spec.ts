import { DataSource } from 'typeorm';
import { runMigrations } from '@carecircle/platform/event-store';
import { createTestDatabase, type TestDatabase } from '@carecircle/platform/testing';
import { enrollmentReadModelMigrations } from '../index';
import { TypeOrmConsentLapseSchedule } from './consent-lapse-schedule';

/**
 * When each FHIR Consent ends, on real PostgreSQL: due once its end has passed, earliest first; a newer
 * revision replaces an older one whatever order they are planned in; done forgets only the end acted on.
 */
describe('consent lapse schedule', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let schedule: TypeOrmConsentLapseSchedule;

  beforeAll(async () => {
    db = await createTestDatabase('enrollment_consent_lapse');
    await runMigrations(db.url, enrollmentReadModelMigrations);
    dataSource = new DataSource({ type: 'postgres', url: db.url });
    await dataSource.initialize();
    schedule = new TypeOrmConsentLapseSchedule(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });
  beforeEach(() => dataSource.query('TRUNCATE enrollment_consent_lapse'));

  const at = (iso: string) => new Date(iso);

  it('is due at or after its end, earliest first, up to the limit, and never without an end', async () => {
    await schedule.plan('mbr_synthetic_0002', 'consent-b', '2026-03-01T12:00:00.000Z', 20n);
    await schedule.plan('mbr_synthetic_0001', 'consent-a', '2026-03-01T09:00:00+01:00', 10n);
    await schedule.plan('mbr_synthetic_0003', 'consent-c', '2026-04-01T00:00:00.000Z', 30n);
    await schedule.plan('mbr_synthetic_0004', 'consent-d', null, 40n);

    expect(await schedule.due(at('2026-03-01T07:59:59.999Z'), 10)).toEqual([]);
    expect(await schedule.due(at('2026-03-01T08:00:00.000Z'), 10)).toEqual([
      { memberId: 'mbr_synthetic_0001', resourceId: 'consent-a', endsAt: '2026-03-01T08:00:00.000Z', position: 10n },
    ]);
    expect(await schedule.due(at('2026-12-31T00:00:00.000Z'), 10)).toEqual([
      { memberId: 'mbr_synthetic_0001', resourceId: 'consent-a', endsAt: '2026-03-01T08:00:00.000Z', position: 10n },
      { memberId: 'mbr_synthetic_0002', resourceId: 'consent-b', endsAt: '2026-03-01T12:00:00.000Z', position: 20n },
      { memberId: 'mbr_synthetic_0003', resourceId: 'consent-c', endsAt: '2026-04-01T00:00:00.000Z', position: 30n },
    ]);
    expect((await schedule.due(at('2026-12-31T00:00:00.000Z'), 2)).map((d) => d.resourceId)).toEqual([
      'consent-a',
      'consent-b',
    ]);
  });

  it('lets the newest revision decide, whichever replica plans first', async () => {
    // A newer revision moves the end, then a replica behind replays the older one: the newer end stands.
    await schedule.plan('mbr_synthetic_0001', 'consent-a', '2026-03-01T00:00:00.000Z', 10n);
    await schedule.plan('mbr_synthetic_0001', 'consent-a', '2026-06-01T00:00:00.000Z', 15n);
    await schedule.plan('mbr_synthetic_0001', 'consent-a', '2026-03-01T00:00:00.000Z', 10n);
    expect(await schedule.due(at('2026-05-01T00:00:00.000Z'), 10)).toEqual([]);
    expect(await schedule.due(at('2026-06-01T00:00:00.000Z'), 10)).toEqual([
      { memberId: 'mbr_synthetic_0001', resourceId: 'consent-a', endsAt: '2026-06-01T00:00:00.000Z', position: 15n },
    ]);

    // A newer revision without an end (or no longer granting) unschedules it.
    await schedule.plan('mbr_synthetic_0001', 'consent-a', null, 16n);
    await schedule.plan('mbr_synthetic_0001', 'consent-a', '2026-06-01T00:00:00.000Z', 15n);
    expect(await schedule.due(at('2026-12-31T00:00:00.000Z'), 10)).toEqual([]);
  });

  it('forgets an end once acted on, unless a newer revision replaced it meanwhile', async () => {
    await schedule.plan('mbr_synthetic_0001', 'consent-a', '2026-03-01T00:00:00.000Z', 10n);
    await schedule.plan('mbr_synthetic_0002', 'consent-b', '2026-03-01T00:00:00.000Z', 20n);
    const [first, second] = await schedule.due(at('2026-03-02T00:00:00.000Z'), 10);

    await schedule.done(first);
    // Between reading what is due and acting on it, consent-b got a newer revision with a later end.
    await schedule.plan('mbr_synthetic_0002', 'consent-b', '2026-09-01T00:00:00.000Z', 25n);
    await schedule.done(second);

    expect(await schedule.due(at('2026-03-02T00:00:00.000Z'), 10)).toEqual([]);
    expect(await schedule.due(at('2026-09-01T00:00:00.000Z'), 10)).toEqual([
      { memberId: 'mbr_synthetic_0002', resourceId: 'consent-b', endsAt: '2026-09-01T00:00:00.000Z', position: 25n },
    ]);
    // Done twice changes nothing; replaying the acted-on revision does not schedule it again.
    await schedule.done(first);
    await schedule.plan('mbr_synthetic_0001', 'consent-a', '2026-03-01T00:00:00.000Z', 10n);
    expect((await schedule.due(at('2026-12-31T00:00:00.000Z'), 10)).map((d) => d.resourceId)).toEqual(['consent-b']);
  });

  it('keeps the Consents of one member apart', async () => {
    await schedule.plan('mbr_synthetic_0001', 'consent-a', '2026-03-01T00:00:00.000Z', 10n);
    await schedule.plan('mbr_synthetic_0001', 'consent-z', '2026-02-01T00:00:00.000Z', 11n);
    await schedule.plan('mbr_synthetic_0001', 'consent-a', null, 12n);

    expect(await schedule.due(at('2026-12-31T00:00:00.000Z'), 10)).toEqual([
      { memberId: 'mbr_synthetic_0001', resourceId: 'consent-z', endsAt: '2026-02-01T00:00:00.000Z', position: 11n },
    ]);
  });
});
