import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { decodeJwt, SignJWT } from 'jose';
import { Client } from 'pg';
import {
  startLocalTokenIssuer,
  startServiceProcess,
  type LocalTokenIssuer,
  type ServiceProcess,
} from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  ELIGIBLE_SCREENING_FACTS,
  groupDetails,
  httpJson,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { clientKeyPair } from '../testing/gateway-harness';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).
jest.setTimeout(240_000);

type Name = 'gateway' | 'enrollment' | 'scheduling' | 'clinician-liaison' | 'outcomes';
type Who = 'careTeam' | 'prescriber' | 'facilitator' | 'otherFacilitator' | 'lead' | 'admin' | 'narrowClient';

const RUN = randomUUID().slice(0, 8);
const GROUP = `grp_trust_${RUN}`;
const MEMBER = `mbr_trust_${RUN}`;
const OTHER_MEMBER = `mbr_trust_other_${RUN}`;
const REFERRAL = randomUUID();
const PEOPLE = {
  careTeam: { sub: `clin_trust_psy_${RUN}`, role: 'clinician' },
  prescriber: { sub: `clin_trust_rx_${RUN}`, role: 'clinician' },
  facilitator: { sub: `fac_trust_a_${RUN}`, role: 'facilitator' },
  otherFacilitator: { sub: `fac_trust_b_${RUN}`, role: 'facilitator' },
  lead: { sub: `lead_trust_${RUN}`, role: 'programme-lead' },
  admin: { sub: `adm_trust_${RUN}`, role: 'admin' },
} as const;
const DRUG = 'sertraline';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Issue 13, over HTTP against all five services as processes from dist/: each service takes only tokens
 * minted for it, decides with the shared policy from its own relationships (projected from the bus), and
 * a facilitator never gets a drug name from any port. People sign in at a real OIDC issuer (a local
 * stand-in) and reach the services through the gateway's token exchange; the EHR is a SMART client.
 */
describe('trust where the data lives: role × route × member at every port, tokens per audience, access that ends', () => {
  let kafka: KafkaCluster | undefined;
  let issuer: LocalTokenIssuer | undefined;
  const dbs: TestDatabase[] = [];
  const services: Partial<Record<Name, ServiceProcess>> = {};
  let client: Awaited<ReturnType<typeof clientKeyPair>>;
  let gatewayUrl = '';

  const url = (name: Name) => services[name]!.url;
  const audience = (name: Name) => (name === 'gateway' ? gatewayUrl : `carecircle-${name}`);

  /** A SMART backend token, for the gateway or (resource) for one service. */
  async function clientToken(clientId: 'ehr' | 'narrow', scope: string, name: Name): Promise<string> {
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES384', kid: 'k1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(`${gatewayUrl}/auth/token`)
      .setJti(randomUUID())
      .setExpirationTime('2m')
      .sign(client.privateKey);
    const form = {
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: assertion,
    };
    const response = await fetch(`${gatewayUrl}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams(name === 'gateway' ? form : { ...form, resource: audience(name) }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  /** A person's sign-in token (for the gateway), exchanged for one service's when `name` is a service. */
  async function personToken(who: Exclude<Who, 'narrowClient'>, name: Name): Promise<string> {
    const { sub, role } = PEOPLE[who];
    const signedIn = await issuer!.sign(sub, { carecircle_role: role }, { audience: 'carecircle-gateway' });
    if (name === 'gateway') return signedIn;
    const response = await fetch(`${gatewayUrl}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: signedIn,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: audience(name),
      }),
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  const tokenOf = (who: Who, name: Name) =>
    who === 'narrowClient' ? clientToken('narrow', 'system/Patient.rs', name) : personToken(who, name);
  const ehr = async (name: Name) =>
    httpJson(url(name), { authorization: `Bearer ${await clientToken('ehr', 'system/*.cruds', name)}` });

  beforeAll(async () => {
    [kafka, issuer, client] = await Promise.all([startKafka(), startLocalTokenIssuer(), clientKeyPair()]);
    const names: Name[] = ['enrollment', 'scheduling', 'clinician-liaison', 'outcomes', 'gateway'];
    dbs.push(...(await Promise.all(names.map((name) => createTestDatabase(`trust_${name}`)))));
    const gatewayPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const common = {
      KAFKA_BROKERS: kafka.brokers.join(','),
      KAFKA_TOPICS_AUTO_CREATED: 'true',
      KAFKA_SESSION_TIMEOUT_MS: '6000',
      LOG_LEVEL: 'info',
    };
    const trusted = {
      AUTH_REQUIRED: 'true',
      AUTH_TRUSTED_ISSUERS: JSON.stringify([{ issuer: gatewayUrl, jwksUri: `${gatewayUrl}/.well-known/jwks.json` }]),
    };
    await Promise.all(
      names.slice(0, 4).map(async (name, index) => {
        services[name] = await startServiceProcess({
          app: name,
          withTracing: false,
          startTimeoutMs: 30_000,
          env: { ...common, ...trusted, DATABASE_URL: dbs[index]!.url },
        });
      }),
    );
    services.gateway = await startServiceProcess({
      app: 'gateway',
      withTracing: false,
      port: gatewayPort,
      env: {
        ...common,
        DATABASE_URL: dbs[4]!.url,
        GATEWAY_PUBLIC_URL: gatewayUrl,
        GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 9).toString('base64'),
        GATEWAY_OIDC_ISSUER: issuer.issuer,
        GATEWAY_OIDC_JWKS_URL: issuer.jwksUri,
        GATEWAY_OIDC_AUDIENCE: 'carecircle-gateway',
        SMART_CLIENTS: JSON.stringify([
          { clientId: 'ehr', scope: 'system/*.cruds', jwks: client.jwks },
          { clientId: 'narrow', scope: 'system/Patient.rs', jwks: client.jwks },
        ]),
        ENROLLMENT_URL: url('enrollment'),
        SCHEDULING_URL: url('scheduling'),
        CLINICIAN_LIAISON_URL: url('clinician-liaison'),
        OUTCOMES_URL: url('outcomes'),
      },
    });

    // Arranged through each service's own routes, as the EHR integration (system/*.cruds) would.
    const scheduling = await ehr('scheduling');
    expect(
      (
        await scheduling.post('/api/scheduling/groups', {
          ...groupDetails(GROUP),
          facilitatorIds: [PEOPLE.facilitator.sub],
        })
      ).status,
    ).toBeLessThan(300);
    const enrollment = await ehr('enrollment');
    await waitFor(async () => (await enrollment.get(`/api/enrollment/groups/${GROUP}`)).status === 200, {
      timeoutMs: 60_000,
      description: 'enrollment to learn the group',
    });
    const referral = {
      referralId: REFERRAL,
      memberId: MEMBER,
      referringClinicianId: PEOPLE.prescriber.sub,
      wantedGroupType: groupDetails(GROUP).groupType,
      modalityPreference: groupDetails(GROUP).modality,
      memberRole: 'patient',
      screeningFacts: ELIGIBLE_SCREENING_FACTS,
    };
    expect((await enrollment.post('/api/enrollment/referrals', referral)).status).toBeLessThan(300);
    for (const kind of ['treatment', 'confidentiality-agreement']) {
      const consent = {
        kind,
        agreementVersion: '2026-01',
        sharingScope: ['psychiatrist'],
        recordedBy: 'staff_trust_01',
        signedAt: new Date().toISOString(),
      };
      expect((await enrollment.post(`/api/enrollment/referrals/${REFERRAL}/consents`, consent)).status).toBeLessThan(
        300,
      );
    }
    expect(
      (await enrollment.post(`/api/enrollment/groups/${GROUP}/enrolments`, { referralId: REFERRAL })).status,
    ).toBeLessThan(300);
    const liaison = await ehr('clinician-liaison');
    expect(
      (
        await liaison.put(`/api/liaison/members/${MEMBER}/care-team`, {
          clinicianId: PEOPLE.careTeam.sub,
          role: 'attending-psychiatrist',
        })
      ).status,
    ).toBe(200);
    // The escalation path of issue 13: an order naming another clinician as prescriber grants that clinician nothing.
    const order = {
      medicationId: `med_trust_${RUN}`,
      rxnormCode: '36437',
      name: DRUG,
      route: 'oral',
      dailyDose: 50,
      doseUnit: 'mg',
      frequency: 'daily',
      prescriberId: PEOPLE.prescriber.sub,
    };
    expect((await liaison.post(`/api/liaison/members/${MEMBER}/medications`, order)).status).toBeLessThan(300);
    const outcomes = await ehr('outcomes');
    expect(
      (
        await outcomes.post(`/api/outcomes/members/${MEMBER}/measures`, {
          measureId: randomUUID(),
          instrument: 'phq-9',
          total: 12,
          item9: 0,
          point: 'baseline',
          administeredAt: new Date().toISOString(),
          administeredBy: PEOPLE.careTeam.sub,
          groupId: GROUP,
        })
      ).status,
    ).toBeLessThan(300);

    // Every service learns the relationships from the bus: wait until each lets the care team in.
    for (const [name, path] of memberRoutes()) {
      let last = '';
      await waitFor(
        async () => {
          const response = await fetch(`${url(name)}${path}`, {
            headers: { authorization: `Bearer ${await tokenOf('careTeam', name)}` },
          });
          last = `${response.status} ${(await response.text()).slice(0, 200)}`;
          return response.status === 200;
        },
        { timeoutMs: 90_000, intervalMs: 500, description: `${name} to let the care team read ${path}` },
      ).catch((error: Error) => {
        throw new Error(`${error.message}; last answer: ${last}`);
      });
    }
  });

  afterAll(async () => {
    await Promise.all(Object.values(services).map((service) => service?.stop()));
    await Promise.all(dbs.map((db) => db.drop()));
    await issuer?.stop();
    await kafka?.stop();
  });

  /** One member-scoped read per port. */
  function memberRoutes(member = MEMBER): [Name, string][] {
    return [
      [
        'enrollment',
        member === MEMBER ? `/api/enrollment/referrals/${REFERRAL}` : `/api/enrollment/referrals/${randomUUID()}`,
      ],
      ['scheduling', `/api/scheduling/members/${member}/week?from=${encodeURIComponent(new Date().toISOString())}`],
      ['clinician-liaison', `/api/liaison/members/${member}/alerts`],
      ['outcomes', `/api/outcomes/members/${member}/trajectory`],
      ['gateway', `/api/members/${member}/timeline`],
    ];
  }

  const get = async (name: Name, path: string, token: string) => {
    const response = await fetch(`${url(name)}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.text() };
  };

  // Expected status per port for one member read: [enrollment, scheduling, liaison, outcomes, gateway].
  const EXPECTED: Record<Who, [number, number, number, number, number]> = {
    careTeam: [200, 200, 200, 200, 200],
    prescriber: [403, 403, 403, 403, 403],
    facilitator: [403, 403, 200, 200, 200],
    otherFacilitator: [403, 403, 403, 403, 403],
    lead: [403, 403, 403, 403, 403],
    admin: [403, 403, 403, 403, 403],
    narrowClient: [403, 403, 403, 403, 200],
  };

  it.each(Object.keys(EXPECTED) as Who[])('%s: the member’s data at each port', async (who) => {
    const statuses = [];
    for (const [name, path] of memberRoutes()) statuses.push((await get(name, path, await tokenOf(who, name))).status);
    expect(statuses).toEqual(EXPECTED[who]);
  });

  it('refuses even the care team a member they have no relationship with, at every port', async () => {
    for (const [name, path] of memberRoutes(OTHER_MEMBER))
      expect({ name, status: (await get(name, path, await tokenOf('careTeam', name))).status }).toEqual({
        name,
        status: 403,
      });
  });

  it('never shows a facilitator a drug name or dose, from any port', async () => {
    // The care team sees the drug on the timeline once the order has travelled the bus: the scan below looks for something that is there.
    const timeline = `/api/members/${MEMBER}/timeline`;
    await waitFor(
      async () =>
        new RegExp(DRUG, 'i').test((await get('gateway', timeline, await tokenOf('careTeam', 'gateway'))).body),
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: 'the care team’s timeline to show the medication',
      },
    );
    const answers = [];
    for (const [name, path] of [
      ...memberRoutes(),
      ['clinician-liaison', `/api/liaison/members/${MEMBER}/communications`] as [Name, string],
    ]) {
      answers.push(await get(name, path, await tokenOf('facilitator', name)));
    }
    expect(answers.filter((answer) => answer.status === 200).length).toBeGreaterThanOrEqual(3);
    for (const answer of answers) expect(answer.body).not.toMatch(new RegExp(`${DRUG}|36437|50 ?mg`, 'i'));
    expect(answers.find((answer) => answer.body.includes('"entries"'))?.body).toMatch(/Medication change/);
  });

  it('takes only tokens meant for the port: another service’s, the gateway’s, an expired one → 401', async () => {
    const forScheduling = await tokenOf('careTeam', 'scheduling');
    const forGateway = await tokenOf('careTeam', 'gateway');
    for (const [name, path] of memberRoutes().filter(([name]) => name !== 'gateway')) {
      expect({
        name,
        status: (await get(name, path, name === 'scheduling' ? await tokenOf('careTeam', 'outcomes') : forScheduling))
          .status,
      }).toEqual({ name, status: 401 });
      expect({ name, status: (await get(name, path, forGateway)).status }).toEqual({ name, status: 401 });
    }
    // A service token is not a gateway token either.
    expect((await get('gateway', `/api/members/${MEMBER}/timeline`, forScheduling)).status).toBe(401);
    const expired = await issuer!.sign(
      PEOPLE.careTeam.sub,
      { carecircle_role: 'clinician' },
      { audience: 'carecircle-gateway', expiresIn: -60 },
    );
    expect((await get('gateway', `/api/members/${MEMBER}/timeline`, expired)).status).toBe(401);
    const exchange = await fetch(`${gatewayUrl}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: expired,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: 'carecircle-outcomes',
      }),
    });
    expect(exchange.status).toBe(400);
  });

  it('lets a clinician no longer change a care team (the admin and the EHR can)', async () => {
    const liaisonAs = async (who: Who) =>
      httpJson(url('clinician-liaison'), { authorization: `Bearer ${await tokenOf(who, 'clinician-liaison')}` });
    const addSelf = { clinicianId: PEOPLE.prescriber.sub, role: 'attending-psychiatrist' };
    expect(
      (await (await liaisonAs('prescriber')).put(`/api/liaison/members/${MEMBER}/care-team`, addSelf)).status,
    ).toBe(403);
    expect((await (await liaisonAs('careTeam')).put(`/api/liaison/members/${MEMBER}/care-team`, addSelf)).status).toBe(
      403,
    );
  });

  it('knows an OIDC clinician by their fhirUser: an EHR CareTeam naming that practitioner opens the member at the gateway, the console and liaison', async () => {
    const patientId = `ehr-trust-${RUN}`;
    const practitioner = `Practitioner/ehr-psy-${RUN}`;
    const gateway = await ehr('gateway');
    const fhir = { 'content-type': 'application/fhir+json' };
    const patient = {
      resourceType: 'Patient',
      id: patientId,
      name: [{ family: 'Synthetic', given: ['Trust'] }],
      birthDate: '1980-02-01',
    };
    expect(await gateway.put(`/fhir/R4/Patient/${patientId}`, patient, fhir)).toMatchObject({ status: 200 });
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const careTeam = {
      resourceType: 'CareTeam',
      id: `ct-${RUN}`,
      status: 'active',
      subject: { reference: `Patient/${patientId}` },
      participant: [
        {
          role: [{ coding: [{ system: 'http://snomed.info/sct', code: '80584001', display: 'Psychiatrist' }] }],
          member: { reference: practitioner },
          period: { end: tomorrow },
        },
      ],
    };
    expect((await gateway.put(`/fhir/R4/CareTeam/ct-${RUN}`, careTeam, fhir)).status).toBe(201); // update as create
    // Each service projects the care team from the bus on its own: the gateway and liaison (which the console calls) both must know it.
    const [gatewaySql, liaisonSql] = [
      new Client({ connectionString: dbs[4]!.url }),
      new Client({ connectionString: dbs[2]!.url }),
    ];
    await Promise.all([gatewaySql.connect(), liaisonSql.connect()]);
    const memberId = await waitFor(
      async () => {
        const known = (
          await gatewaySql.query<{ member_id: string }>(
            `SELECT member_id FROM access.care_team WHERE active_until IS NOT NULL LIMIT 1`,
          )
        ).rows[0]?.member_id;
        if (!known) return undefined;
        return (
          await liaisonSql.query(`SELECT 1 FROM access.care_team WHERE member_id = $1 AND active_until IS NOT NULL`, [
            known,
          ])
        ).rowCount
          ? known
          : undefined;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: 'the gateway and clinician-liaison to project the EHR care team',
      },
    ).finally(() => Promise.all([gatewaySql.end(), liaisonSql.end()]));
    const signedIn = await issuer!.sign(
      `hospital-user-${RUN}`,
      { carecircle_role: 'clinician', fhirUser: practitioner },
      { audience: 'carecircle-gateway' },
    );
    const asClinician = { authorization: `Bearer ${signedIn}` };
    expect((await fetch(`${gatewayUrl}/api/members/${memberId}/timeline`, { headers: asClinician })).status).toBe(200);
    expect(
      (await fetch(`${gatewayUrl}/api/care-console/members/${memberId}/alerts`, { headers: asClinician })).status,
    ).toBe(200);
    const exchange = await fetch(`${gatewayUrl}/auth/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        subject_token: signedIn,
        subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        resource: 'carecircle-clinician-liaison',
      }),
    });
    const { access_token: forLiaison } = (await exchange.json()) as { access_token: string };
    // One identity mapping: the service sees the staff id the EHR ingest gave that practitioner, never the IdP's subject.
    expect(decodeJwt(forLiaison)).toMatchObject({
      sub: expect.stringMatching(/^clin_/),
      carecircle_role: 'clinician',
      aud: 'carecircle-clinician-liaison',
    });
    expect((await get('clinician-liaison', `/api/liaison/members/${memberId}/alerts`, forLiaison)).status).toBe(200);
    expect((await get('clinician-liaison', `/api/liaison/members/${MEMBER}/alerts`, forLiaison)).status).toBe(403);
  });

  it('ends access at every port when the care-team membership ends', async () => {
    const admin = httpJson(url('clinician-liaison'), {
      authorization: `Bearer ${await tokenOf('admin', 'clinician-liaison')}`,
    });
    expect(
      (await admin.delete(`/api/liaison/members/${MEMBER}/care-team/attending-psychiatrist/${PEOPLE.careTeam.sub}`))
        .status,
    ).toBeLessThan(300);
    for (const [name, path] of memberRoutes()) {
      await waitFor(async () => (await get(name, path, await tokenOf('careTeam', name))).status === 403, {
        timeoutMs: 60_000,
        intervalMs: 500,
        description: `${name} to refuse the former care-team member`,
      });
    }
  });
});
