import { Pool } from 'pg';
import { fixtures } from '@carecircle/contracts';
import type { AuditRecord } from '@carecircle/gateway/application';
import type { TimelineViewer } from '@carecircle/gateway/domain';
import { medicationSharingOf, projectTimelineEvent } from '@carecircle/gateway/read-models';
import { relationshipFactsOf } from '@carecircle/platform/access';
import { RelationshipStore } from '@carecircle/platform/service-kit';
import type { Caller } from '../auth/gateway-authenticator';
import { SEEDED, seedMemberAccess } from '../auth/testing/seed-member-access';
import { PostgresAuditLog } from '../persistence/postgres-audit-log';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';
import { timelineAccessFactsOf, timelineViewerOf } from './timeline-access-facts';
import { sqlOfPool } from '@carecircle/platform/event-store';

/**
 * A timeline read decides access from one statement (relationships and the member's medication-sharing
 * consent) and writes its audit row while it queries: the same decisions as the separate lookups, an
 * audit row for every read even when many come at once, and no answer when the audit row cannot be written.
 */

/** The SMART client whose audit rows the test database refuses (a trigger): every read it makes must fail. */
const UNAUDITED = 'unaudited';
const TIMELINE = 'GET /api/members/:id/timeline';
/** A member who left their last group: people's access ends, clients keep theirs. */
const WITHDRAWN = 'mbr_synthetic_0003';

const person = (id: string, role: 'clinician' | 'facilitator' | 'programme-lead' | 'admin'): Caller => ({
  kind: 'human',
  id,
  role,
});
const client = (scope: string): Caller => ({ kind: 'system', id: 'ehr', scope });

const FULL: TimelineViewer = { role: 'clinician' };
const redacted = (consentToShareMedication: boolean): TimelineViewer => ({
  role: 'facilitator',
  consentToShareMedication,
});

describe('timeline access in one query, audit on the side but never skipped (real PostgreSQL, HTTP)', () => {
  let gateway: GatewayHarness | undefined;
  let pool: Pool | undefined;
  const tokens = new Map<string, Promise<string>>();

  beforeAll(async () => {
    gateway = await startGatewayHarness({
      database: 'gateway_timeline_access',
      clients: [
        { clientId: 'ehr', scope: 'system/*.cruds' },
        { clientId: UNAUDITED, scope: 'system/Patient.r' },
      ],
      env: { GATEWAY_RATE_LIMIT_BURST: '10000' },
    });
    await seedMemberAccess(gateway.db.url);
    pool = new Pool({ connectionString: gateway.db.url, max: 4 });
    // A member of the seeded group who then withdrew from it (their last group).
    const enrolled = {
      ...fixtures.MemberEnrolled,
      eventId: '1d1b9b8e-7c1a-4f7e-b3a8-5a0e2d7f9d03',
      subject: WITHDRAWN,
      payload: { ...fixtures.MemberEnrolled.payload, referralId: 'a3e1c1f4-2f0b-4a77-8f0a-3f3b1c2d4e53' },
    };
    const withdrew = {
      ...fixtures.MemberWithdrew,
      eventId: '1d1b9b8e-7c1a-4f7e-b3a8-5a0e2d7f9d04',
      subject: WITHDRAWN,
      payload: { ...fixtures.MemberWithdrew.payload, groupId: SEEDED.group },
    };
    for (const event of [enrolled, withdrew]) {
      await projectTimelineEvent(sqlOfPool(pool), event);
      await new RelationshipStore(pool).apply(pool, relationshipFactsOf(event));
    }
    // The test database refuses this client's audit rows, as a full disk or a broken audit table would.
    await pool.query(`
      CREATE FUNCTION gateway.refuse_unaudited_test_client() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit row refused (test)'; END $$`);
    await pool.query(`
      CREATE TRIGGER refuse_unaudited_test_client BEFORE INSERT ON gateway.audit_event
      FOR EACH ROW WHEN (NEW.agent = '${UNAUDITED}') EXECUTE FUNCTION gateway.refuse_unaudited_test_client()`);
  });

  afterAll(async () => {
    await pool?.end();
    await gateway?.stop();
  });

  const db = (): Pool => {
    if (!pool) throw new Error('no database: beforeAll failed');
    return pool;
  };
  const tokenOf = (clientId: string, scope: string): Promise<string> => {
    const key = `${clientId} ${scope}`;
    const token =
      tokens.get(key) ??
      (gateway ? gateway.accessToken(clientId, scope) : Promise.reject(new Error('no gateway: beforeAll failed')));
    tokens.set(key, token);
    return token;
  };
  const readTimeline = async (clientId: string, scope: string, path = '') =>
    fetch(`${gateway?.base}/api/members/${SEEDED.member}/timeline${path}`, {
      headers: { authorization: `Bearer ${await tokenOf(clientId, scope)}` },
    });
  const auditedReads = async (agent: string) =>
    Number(
      (
        await db().query<{ n: string }>(
          `SELECT count(*) AS n FROM gateway.audit_event WHERE agent = $1 AND outcome = '0' AND operation = $2`,
          [agent, TIMELINE],
        )
      ).rows[0]?.n,
    );
  const setSharing = (share: boolean, eventId: string) =>
    projectTimelineEvent(sqlOfPool(db()), {
      ...fixtures.MedicationSharingWithFacilitatorChanged,
      eventId,
      subject: SEEDED.member,
      payload: {
        ...fixtures.MedicationSharingWithFacilitatorChanged.payload,
        shareMedicationDetailsWithFacilitator: share,
      },
    });

  /** Each role's view of `memberId` from the one query, beside the relationships and consent read one by one. */
  const viewsOf = async (memberId: string) => {
    const now = new Date();
    const sql = sqlOfPool(db());
    const facts = await timelineAccessFactsOf(sql, memberId);
    const separately = {
      relations: await new RelationshipStore(db()).memberRelations(memberId),
      consentToShareMedication: (await medicationSharingOf(sql, memberId)) === true,
    };
    expect(facts).toEqual(separately);
    const readers: Record<string, Caller> = {
      'clinician on the care team': person(SEEDED.clinician, 'clinician'),
      'clinician not on it (stranger)': person(SEEDED.otherClinician, 'clinician'),
      'facilitator of the member’s group': person(SEEDED.facilitator, 'facilitator'),
      'facilitator of another group (stranger)': person(SEEDED.otherFacilitator, 'facilitator'),
      'programme lead': person(SEEDED.lead, 'programme-lead'),
      admin: person(SEEDED.admin, 'admin'),
      'SMART client with Patient.r and MedicationRequest.r': client('system/Patient.r system/MedicationRequest.r'),
      'SMART client with Patient.r only': client('system/Patient.r'),
      'SMART client without Patient.r': client('system/Flag.r'),
    };
    return Object.fromEntries(
      Object.entries(readers).map(([role, reader]) => [
        role,
        timelineViewerOf(reader, memberId, facts, now) ?? 'denied',
      ]),
    );
  };

  it('gives each role the same view as the separate lookups: full, redacted by consent, or denied', async () => {
    const expected = (consent: boolean) => ({
      'clinician on the care team': FULL,
      'clinician not on it (stranger)': 'denied',
      'facilitator of the member’s group': redacted(consent),
      'facilitator of another group (stranger)': 'denied',
      'programme lead': 'denied',
      admin: 'denied',
      'SMART client with Patient.r and MedicationRequest.r': FULL,
      'SMART client with Patient.r only': redacted(consent),
      'SMART client without Patient.r': 'denied',
    });
    expect(await viewsOf(SEEDED.member)).toEqual(expected(false)); // no consent recorded yet
    await setSharing(true, '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f71');
    expect(await viewsOf(SEEDED.member)).toEqual(expected(true));
    await setSharing(false, '7a0c1e2f-1b2c-4d3e-8f4a-5b6c7d8e9f72');
    expect(await viewsOf(SEEDED.member)).toEqual(expected(false));
  });

  it('denies people a withdrawn member and a member nobody relates to, clients keep their scope', async () => {
    for (const memberId of [WITHDRAWN, 'mbr_never_seen_0001']) {
      const views = await viewsOf(memberId);
      expect(Object.entries(views).filter(([, view]) => view !== 'denied')).toEqual([
        ['SMART client with Patient.r and MedicationRequest.r', FULL],
        ['SMART client with Patient.r only', redacted(false)],
      ]);
    }
  });

  it('answers over HTTP with the view the policy gave: the drug for MedicationRequest.r only, 403 without Patient.r', async () => {
    const full = await readTimeline('ehr', 'system/Patient.r system/MedicationRequest.r');
    expect(full.status).toBe(200);
    expect(await full.text()).toMatch(new RegExp(SEEDED.drugName, 'i'));
    const withoutMedication = await readTimeline('ehr', 'system/Patient.r');
    expect(withoutMedication.status).toBe(200);
    expect(await withoutMedication.text()).not.toMatch(new RegExp(SEEDED.drugName, 'i'));
    expect((await readTimeline('ehr', 'system/Flag.r')).status).toBe(403);
  });

  it('writes one audit row for every read, 50 at once', async () => {
    const before = await auditedReads('ehr');
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => readTimeline('ehr', 'system/Patient.r').then((response) => response.status)),
    );
    expect(responses).toEqual(Array.from({ length: 50 }, () => 200));
    expect(await auditedReads('ehr')).toBe(before + 50);
  });

  it('answers nothing when the audit row cannot be written, and the reads beside it still succeed', async () => {
    const before = await auditedReads('ehr');
    const reads = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await readTimeline(i === 7 ? UNAUDITED : 'ehr', 'system/Patient.r');
        return { status: response.status, body: await response.text() };
      }),
    );
    const refused = reads[7];
    expect(refused?.status).toBe(500);
    expect(refused?.body).not.toMatch(/entries|"kind"|sentence/i);
    expect(reads.filter((read) => read.status === 200)).toHaveLength(19);
    expect(await auditedReads('ehr')).toBe(before + 19);
    expect(await auditedReads(UNAUDITED)).toBe(0);
    // The live stream opens only once its read is audited.
    expect((await readTimeline(UNAUDITED, 'system/Patient.r', '/stream')).status).toBe(500);
  });

  describe('the audit writer', () => {
    const record = (agent: string, outcome: '0' | '4', at = new Date()): AuditRecord => ({
      recordedAt: at,
      action: 'R',
      outcome,
      agent,
      operation: 'GET /test/group-commit',
      resourceTypes: ['Timeline'],
      memberIds: [SEEDED.member],
    });
    const rowsOf = async (agent: string) =>
      (
        await db().query<{ outcome: string; count: number; xmin: string; last_recorded_at: Date | null }>(
          `SELECT outcome, count, xmin::text AS xmin, last_recorded_at FROM gateway.audit_event WHERE agent = $1 ORDER BY seq`,
          [agent],
        )
      ).rows;

    it('commits concurrent records together, each append resolving once its row is written', async () => {
      const log = new PostgresAuditLog(db());
      await Promise.all(Array.from({ length: 50 }, () => log.append(record('group-commit', '0'))));
      const rows = await rowsOf('group-commit');
      expect(rows).toHaveLength(50);
      // The first two go at once (nothing is waiting yet), the other 48 in one INSERT after the first.
      expect(new Set(rows.map((row) => row.xmin)).size).toBeLessThanOrEqual(3);
    });

    it('counts refusals of one minute into one row, even when they share a batch', async () => {
      const log = new PostgresAuditLog(db());
      const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000);
      const at = (second: number) => new Date(minute.getTime() + second * 1000);
      await Promise.all([
        ...Array.from({ length: 20 }, (_, i) => log.append(record('counted', '4', at(i)))),
        ...Array.from({ length: 5 }, () => log.append(record('counted', '0', at(30)))),
      ]);
      await log.append(record('counted', '4', at(40)));
      const rows = await rowsOf('counted');
      expect(rows.filter((row) => row.outcome === '0')).toHaveLength(5);
      const refusals = rows.filter((row) => row.outcome === '4');
      expect(refusals.map((row) => ({ count: row.count, last: row.last_recorded_at?.toISOString() }))).toEqual([
        { count: 21, last: at(40).toISOString() },
      ]);
    });

    it('fails only the appends whose row is refused', async () => {
      const log = new PostgresAuditLog(db());
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) => log.append(record(i === 4 ? UNAUDITED : 'beside-refused', '0'))),
      );
      expect(results.map((result) => result.status)).toEqual(
        Array.from({ length: 10 }, (_, i) => (i === 4 ? 'rejected' : 'fulfilled')),
      );
      expect(await rowsOf('beside-refused')).toHaveLength(9);
    });
  });
});
