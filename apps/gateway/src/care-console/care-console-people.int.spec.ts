import type { IncomingMessage } from 'node:http';
import { Pool } from 'pg';
import { fixtures } from '@carecircle/contracts';
import { IdentityVault, type LiaisonAlert } from '@carecircle/gateway/application';
import { projectTimelineEvent } from '@carecircle/gateway/read-models';
import { SEEDED, seedMemberAccess } from '../auth/testing/seed-member-access';
import { readGatewayConfig } from '../gateway.config';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';
import { liaisonMedication, startServicesStandIn, type ServicesStandIn } from '../testing/services-stand-in';
import { sqlOfPool } from '@carecircle/platform/event-store';

const MEMBER_NAME = 'Ana Ruiz';
const OTHER_NAME = 'Ben Osei';
const OVERRIDE_REASON = 'Dose discussed with the member today';
const FACILITATOR_COPY = '00000000-0000-4000-8000-000000000101';
const CLINICIAN_COPY = fixtures.CoordinationAlertRaised.payload.alertId;
const SERTRALINE = liaisonMedication('med_people_1', SEEDED.clinician, '2026-03-02T09:00:00.000Z');

/**
 * Names in the care console (issue 17): members' from their sealed identity, only for readers the
 * policy lets see the member (audited), staff's from the sealed staff directory (the development
 * sign-in's demo users). Real PostgreSQL and HTTP; the services behind the gateway are one stand-in.
 */
describe('care console: names for the people a reader may see (real PostgreSQL, HTTP)', () => {
  let gateway: GatewayHarness | undefined;
  let services: ServicesStandIn | undefined;
  let pool: Pool | undefined;
  let base = '';

  const copy = (alertId: string, more: Partial<LiaisonAlert>): LiaisonAlert => ({
    alertId,
    memberId: SEEDED.member,
    rule: 'antidepressant-change',
    severity: 'warning',
    status: 'acknowledged',
    recipientRole: 'facilitator',
    recipientId: SEEDED.facilitator,
    summary: 'Medication change: watch mood in group',
    detail: '',
    escalationLevel: 0,
    raisedAt: '2026-03-10T09:00:00.000Z',
    // As liaison answers a clinician: the copies share the acknowledgement, reason included.
    overrideReason: OVERRIDE_REASON,
    ...more,
  });
  const alerts = [
    copy(FACILITATOR_COPY, {}),
    copy(CLINICIAN_COPY, {
      recipientRole: 'attending-psychiatrist',
      recipientId: SEEDED.clinician,
      summary: 'sertraline started',
    }),
  ];

  function answer(req: IncomingMessage): unknown {
    const path = req.url?.split('?')[0] ?? '';
    // Scheduling's roster names a member the facilitator does not lead: the gateway's policy decides, not the roster.
    if (path.endsWith('/roster'))
      return {
        groupId: SEEDED.group,
        members: [
          { memberId: SEEDED.member, status: 'enrolled' },
          { memberId: SEEDED.otherMember, status: 'enrolled' },
        ],
      };
    if (path.endsWith('/calendar'))
      return { group: { groupId: SEEDED.group, groupType: 'disease-specific', status: 'active' }, sessions: [] };
    if (path.endsWith('/upcoming-sessions')) return { sessions: [] };
    if (path === `/api/liaison/members/${SEEDED.member}/alerts`) return alerts;
    if (path === `/api/liaison/members/${SEEDED.member}/medications`) return [SERTRALINE];
    if (path === `/api/liaison/clinicians/${SEEDED.clinician}/alerts`)
      return alerts.filter((alert) => alert.recipientId === SEEDED.clinician);
    return [];
  }

  beforeAll(async () => {
    services = await startServicesStandIn((req) => ({ body: answer(req) }));
    gateway = await startGatewayHarness({ database: 'gateway_console_people', clients: [], env: services.env });
    base = gateway.base;
    await seedMemberAccess(gateway.db.url);
    pool = new Pool({ connectionString: gateway.db.url, max: 2 });
    // The members' identities as the FHIR ingest keeps them: sealed with the gateway's identity key.
    const vault = new IdentityVault(readGatewayConfig().identityKey);
    for (const [memberId, given, family] of [
      [SEEDED.member, 'Ana', 'Ruiz'],
      [SEEDED.otherMember, 'Ben', 'Osei'],
    ] as const)
      await pool.query(`INSERT INTO gateway.member_identity (member_id, sealed) VALUES ($1, $2)`, [
        memberId,
        vault.encrypt({ id: memberId, name: [{ use: 'official', given: [given], family }] }),
      ]);
    const sql = sqlOfPool(pool);
    for (const [n, alert] of alerts.entries())
      await projectTimelineEvent(sql, {
        ...fixtures.CoordinationAlertRaised,
        eventId: `00000000-0000-4000-8000-00000000020${n}`,
        payload: { ...fixtures.CoordinationAlertRaised.payload, alertId: alert.alertId },
      });
    // The psychiatrist overrode their copy; liaison's facilitator copy followed (same who and when): one
    // AlertAcknowledged per copy, as liaison publishes them.
    for (const [n, alertId] of [CLINICIAN_COPY, FACILITATOR_COPY].entries())
      await projectTimelineEvent(sql, {
        ...fixtures.AlertAcknowledged,
        eventId: `00000000-0000-4000-8000-00000000030${n}`,
        payload: { ...fixtures.AlertAcknowledged.payload, alertId },
      });
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await gateway?.stop();
    await services?.stop();
  }, 60_000);

  const tokenOf = async (username: string) => {
    const signIn = await fetch(`${base}/dev-idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    return ((await signIn.json()) as { access_token: string }).access_token;
  };
  const get = async (path: string, username: string) => {
    const response = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${await tokenOf(username)}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const namesAudited = async (agent: string) =>
    (
      await pool!.query<{ member_ids: string[] }>(
        `SELECT member_ids FROM gateway.audit_event WHERE agent = $1 AND 'Patient' = ANY(resource_types) AND outcome = '0'`,
        [agent],
      )
    ).rows.flatMap((row) => row.member_ids);

  it('names the signed-in person from the staff directory', async () => {
    expect((await get('/api/care-console/me', 'facilitator')).body).toEqual({
      id: SEEDED.facilitator,
      role: 'facilitator',
      name: 'Sam Okafor',
    });
    expect((await get('/api/care-console/me', 'clinician')).body).toMatchObject({ name: 'Dr. Ines Brandt' });
  });

  it('names a facilitator’s members and who acted (on any copy), but not a member the policy keeps from them, and audits the names opened', async () => {
    const home = await get('/api/care-console/home', 'facilitator');
    expect(home.status).toBe(200);
    expect(home.body['names']).toEqual({ [SEEDED.member]: MEMBER_NAME, [SEEDED.clinician]: 'Dr. Ines Brandt' });
    expect(JSON.stringify(home.body)).not.toContain(OTHER_NAME);
    expect(await namesAudited(SEEDED.facilitator)).toContain(SEEDED.member);
    expect(await namesAudited(SEEDED.facilitator)).not.toContain(SEEDED.otherMember);
  });

  it('names a clinician’s care-team members on their home and the member view', async () => {
    const home = await get('/api/care-console/home', 'clinician');
    expect(home.body['names']).toMatchObject({ [SEEDED.member]: MEMBER_NAME });
    const member = await get(`/api/care-console/members/${SEEDED.member}/alerts`, 'clinician');
    expect(member.body['names']).toMatchObject({ [SEEDED.member]: MEMBER_NAME });
    expect(await namesAudited(SEEDED.clinician)).toContain(SEEDED.member);
  });

  it('keeps names out of the audit trail, and the staff directory sealed', async () => {
    const rows = await pool!.query(`SELECT * FROM gateway.audit_event`);
    expect(JSON.stringify(rows.rows)).not.toMatch(/Ana Ruiz|Ben Osei|Sam Okafor|Ines Brandt/);
    const sealed = await pool!.query<{ sealed: string }>(`SELECT sealed FROM gateway.staff_identity`);
    expect(sealed.rows.length).toBeGreaterThanOrEqual(4);
    expect(JSON.stringify(sealed.rows)).not.toContain('Okafor');
  });

  it('lists a member’s medications for the care team with the prescriber’s name, audited; a facilitator gets 403', async () => {
    const list = await get(`/api/care-console/members/${SEEDED.member}/medications`, 'clinician');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      memberId: SEEDED.member,
      medications: [SERTRALINE],
      names: { [SEEDED.member]: MEMBER_NAME, [SEEDED.clinician]: 'Dr. Ines Brandt' },
    });
    const refused = await get(`/api/care-console/members/${SEEDED.member}/medications`, 'facilitator');
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).not.toContain('sertraline');
    const audited = await pool!.query<{ agent: string; outcome: string }>(
      `SELECT agent, outcome FROM gateway.audit_event WHERE 'MedicationStatement' = ANY(resource_types) AND $1 = ANY(member_ids) ORDER BY seq`,
      [SEEDED.member],
    );
    expect(audited.rows).toEqual([
      { agent: SEEDED.clinician, outcome: '0' },
      { agent: SEEDED.facilitator, outcome: '4' },
    ]);
  });

  it('shows both copies of one alert in one state: acknowledged by the same person at the same time; the reason to clinicians only', async () => {
    const facilitator = await get(`/api/care-console/members/${SEEDED.member}/alerts`, 'facilitator');
    const clinician = await get(`/api/care-console/members/${SEEDED.member}/alerts`, 'clinician');
    type Shown = { alertId: string; state: string; acknowledged: unknown; overrideReason: string | null };
    const [facilitatorCopy] = facilitator.body['alerts'] as Shown[];
    const [clinicianCopy] = clinician.body['alerts'] as Shown[];
    const acknowledged = {
      by: SEEDED.clinician,
      at: fixtures.AlertAcknowledged.payload.acknowledgedAt,
      outcome: 'overridden',
      reasonGiven: true,
    };
    expect(facilitatorCopy).toMatchObject({ alertId: FACILITATOR_COPY, state: 'acknowledged', acknowledged });
    expect(clinicianCopy).toMatchObject({ alertId: CLINICIAN_COPY, state: 'acknowledged', acknowledged });
    expect(clinicianCopy!.overrideReason).toBe(OVERRIDE_REASON);
    expect(facilitatorCopy!.overrideReason).toBeNull();
    expect(JSON.stringify(facilitator.body)).not.toMatch(/sertraline|Dose discussed/);
    expect(facilitator.body['names']).toMatchObject({ [SEEDED.clinician]: 'Dr. Ines Brandt' });
  });
});
