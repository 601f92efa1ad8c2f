import { Client } from 'pg';
import { pseudonymousStaffId } from '@carecircle/gateway/application';
import { startLocalTokenIssuer, type LocalTokenIssuer } from '@carecircle/platform/service-kit';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';
import { SEEDED, seedMemberAccess } from './testing/seed-member-access';

const AUDIENCE = 'carecircle-gateway';

describe('gateway with a configured OpenID Connect issuer (discovery and JWKS over real HTTP, keys made here)', () => {
  let issuer: LocalTokenIssuer | undefined;
  let gateway: GatewayHarness | undefined;
  let base = '';

  beforeAll(async () => {
    issuer = await startLocalTokenIssuer();
    gateway = await startGatewayHarness({
      database: 'gateway_oidc',
      clients: [],
      // No JWKS URL: the gateway finds it in the issuer's discovery document.
      env: { GATEWAY_OIDC_ISSUER: issuer.issuer, GATEWAY_OIDC_AUDIENCE: AUDIENCE },
    });
    base = gateway.base;
    await seedMemberAccess(gateway.db.url);
  });

  afterAll(async () => {
    await gateway?.stop();
    await issuer?.stop();
  });

  const timeline = (memberId: string, token: string) =>
    fetch(`${base}/api/members/${memberId}/timeline`, { headers: { authorization: `Bearer ${token}` } });
  const signed: LocalTokenIssuer['sign'] = (...args) =>
    issuer ? issuer.sign(...args) : Promise.reject(new Error('no issuer: beforeAll failed'));
  const person = (sub: string, role: string, options: { audience?: string; expiresIn?: number } = {}) =>
    signed(sub, { carecircle_role: role }, { audience: AUDIENCE, ...options });

  it('lets its facilitator read the timeline of a member of their group, without drug names', async () => {
    const response = await timeline(SEEDED.member, await person(SEEDED.facilitator, 'facilitator'));
    const body = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(body)).toEqual(
      expect.objectContaining({
        memberId: SEEDED.member,
        entries: expect.arrayContaining([expect.objectContaining({ type: 'MedicationChanged' })]),
      }),
    );
    expect(body).not.toMatch(new RegExp(SEEDED.drugName, 'i'));
  });

  it('shows its clinician on the care team the drug', async () => {
    const response = await timeline(SEEDED.member, await person(SEEDED.clinician, 'clinician'));
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(new RegExp(SEEDED.drugName, 'i'));
  });

  it('knows a clinician by their SMART fhirUser as the staff id the EHR ingest gives that practitioner', async () => {
    const practitioner = 'Practitioner/ehr-practitioner-oidc-1';
    const staffId = pseudonymousStaffId(Buffer.alloc(32, 7), practitioner); // the harness's GATEWAY_IDENTITY_KEY
    expect(staffId).toMatch(/^clin_/);
    const token = await signed(
      'hospital-user-4711',
      { carecircle_role: 'clinician', fhirUser: practitioner },
      { audience: AUDIENCE },
    );
    expect((await timeline(SEEDED.otherMember, token)).status).toBe(403);
    // As when an EHR CareTeam names that practitioner for the member (liaison's CareTeamMemberAssigned, projected).
    const sql = new Client({ connectionString: gateway?.db.url });
    await sql.connect();
    try {
      await sql.query(
        `INSERT INTO access.care_team (member_id, clinician_id, role, active_until) VALUES ($1, $2, 'attending-psychiatrist', NULL)`,
        [SEEDED.otherMember, staffId],
      );
    } finally {
      await sql.end();
    }
    expect((await timeline(SEEDED.otherMember, token)).status).toBe(200);
  });

  it('denies its facilitator a member of another group (403), and refuses tokens for another audience, expired or without a role (401)', async () => {
    expect((await timeline(SEEDED.otherMember, await person(SEEDED.facilitator, 'facilitator'))).status).toBe(403);
    expect(
      (await timeline(SEEDED.member, await person(SEEDED.facilitator, 'facilitator', { audience: 'someone-else' })))
        .status,
    ).toBe(401);
    expect(
      (await timeline(SEEDED.member, await person(SEEDED.facilitator, 'facilitator', { expiresIn: -60 }))).status,
    ).toBe(401);
    expect((await timeline(SEEDED.member, await signed(SEEDED.facilitator, {}, { audience: AUDIENCE }))).status).toBe(
      401,
    );
  });

  it('found the keys through discovery once and kept them', () => {
    expect(issuer?.jwksFetches()).toBe(1);
  });
});
