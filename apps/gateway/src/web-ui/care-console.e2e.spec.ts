import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  ELIGIBLE_SCREENING_FACTS,
  enrolInGroup,
  groupDetails,
  httpJson,
  recordConsents,
  startKafka,
  waitFor,
  waitForCatalogue,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { clientKeyPair, FHIR_JSON_TYPE, requestToken } from '../testing/gateway-harness';
import { axeViolations } from './testing/axe';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).
jest.setTimeout(150_000);

const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const UI_TIMEOUT_MS = 20_000;
const PUBLIC_URL = 'http://gateway.console-e2e.test';
const RUN = randomUUID().slice(0, 8);
const GROUP = `grp_e2e_console_${RUN}`;
const FACILITATOR = 'fac_synthetic_sw_01';
const CLINICIAN = 'clin_synthetic_psy_01';
/** The synthetic Patient's name, as the console shows the member to their facilitator and care team. */
const MEMBER_NAME = 'Console Synthetic';
const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/** Sessions 1-3 have started, 4-8 lie ahead: attendance can be taken for the third. */
const FIRST_SESSION_AT = new Date(Math.floor((Date.now() - 2 * WEEK) / HOUR) * HOUR - HOUR).toISOString();
const SESSION_3 = `${GROUP}-s03`;
/** Twenty-two and a half years old whenever the test runs (synthetic). */
const today = new Date();
const BIRTH_DATE = new Date(Date.UTC(today.getUTCFullYear() - 22, today.getUTCMonth() - 6, 1))
  .toISOString()
  .slice(0, 10);
const PATIENT_ID = `console-e2e-${RUN}`;

/** A port nothing listens on right now (the OS's choice), for a service started next. */
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
 * Issue 8's care console in real Chromium against the five services as processes from dist/, on one
 * Kafka-protocol cluster, each with its own database. Arranged through the real flows: the EHR posts a
 * synthetic Patient and two PHQ-9/GAD-7 totals through FHIR; scheduling forms a group the demo
 * facilitator leads; enrollment refers (by the demo psychiatrist), consents and enrols the member;
 * liaison learns the care team through its REST. Then in the browser: the facilitator takes attendance,
 * a sertraline order arrives through FHIR and its alert appears on the open member page without a
 * reload, the facilitator acknowledges it (drug never shown to them); the clinician sees the drug; the
 * programme lead sees the cohort report and no member. Screenshots in test-output/screenshots.
 */
describe('the care console in Chromium: attendance, a live alert acknowledged, redaction by role, the cohort report', () => {
  let kafka: KafkaCluster | undefined;
  const dbs: Partial<Record<'gateway' | 'enrollment' | 'scheduling' | 'liaison' | 'outcomes', TestDatabase>> = {};
  const services: Partial<Record<'gateway' | 'enrollment' | 'scheduling' | 'liaison' | 'outcomes', ServiceProcess>> =
    {};
  let context: BrowserContext | undefined;
  let ehrToken = '';
  let memberId = '';
  const profile = mkdtempSync(join(tmpdir(), 'cc-console-chromium-'));

  const url = (name: keyof typeof services) => services[name]!.url;
  const common = () => ({
    KAFKA_BROKERS: kafka!.brokers.join(','),
    KAFKA_TOPICS_AUTO_CREATED: 'true',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    LOG_LEVEL: 'info',
  });

  async function gatewaySql<T extends object>(query: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: dbs.gateway!.url });
    await client.connect();
    try {
      return (await client.query(query, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async function postFhir(resource: Record<string, unknown>): Promise<number> {
    const response = await fetch(`${url('gateway')}/fhir/R4/${String(resource['resourceType'])}`, {
      method: 'POST',
      headers: { 'content-type': FHIR_JSON_TYPE, authorization: `Bearer ${ehrToken}` },
      body: JSON.stringify(resource),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /** A person's dev-IdP access token, as the browser gets it. */
  async function tokenOf(username: string): Promise<string> {
    const response = await fetch(`${url('gateway')}/dev-idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username }),
    });
    expect(response.status).toBeLessThan(300);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  async function signIn(username: string): Promise<Page> {
    const page = await context!.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(`${url('gateway')}/`);
    await page.getByLabel('Demo user (development sign-in)').selectOption(username);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#who').filter({ hasText: 'Signed in as' }).waitFor();
    return page;
  }

  async function look(page: Page, name: string): Promise<void> {
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, `care-console-${name}.png`), fullPage: true });
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    kafka = await startKafka();
    await Promise.all(
      (['gateway', 'enrollment', 'scheduling', 'liaison', 'outcomes'] as const).map(async (name) => {
        dbs[name] = await createTestDatabase(`e2e_console_${name}`);
      }),
    );
    // All five at once: the services on ports chosen now, so the gateway can be told them before they listen.
    // Each is assigned as soon as it runs, so afterAll stops it even when another fails to start.
    const [enrollmentPort, schedulingPort, liaisonPort, outcomesPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const at = (port: number) => `http://127.0.0.1:${port}`;
    const key = await clientKeyPair();
    await Promise.all([
      startServiceProcess({
        app: 'enrollment',
        port: enrollmentPort,
        env: { ...common(), DATABASE_URL: dbs.enrollment!.url },
        startTimeoutMs: 90_000,
      }).then((p) => (services.enrollment = p)),
      startServiceProcess({
        app: 'scheduling',
        port: schedulingPort,
        env: { ...common(), DATABASE_URL: dbs.scheduling!.url },
        startTimeoutMs: 90_000,
      }).then((p) => (services.scheduling = p)),
      startServiceProcess({
        app: 'clinician-liaison',
        port: liaisonPort,
        env: { ...common(), DATABASE_URL: dbs.liaison!.url, LIAISON_TIMER_POLL_MS: '250' },
        startTimeoutMs: 90_000,
      }).then((p) => (services.liaison = p)),
      startServiceProcess({
        app: 'outcomes',
        port: outcomesPort,
        env: { ...common(), DATABASE_URL: dbs.outcomes!.url, OUTCOMES_SMALL_CELL_THRESHOLD: '1' },
        startTimeoutMs: 90_000,
      }).then((p) => (services.outcomes = p)),
      startServiceProcess({
        app: 'gateway',
        env: {
          ...common(),
          DATABASE_URL: dbs.gateway!.url,
          GATEWAY_DEV_IDP: 'true',
          GATEWAY_PUBLIC_URL: PUBLIC_URL,
          GATEWAY_IDENTITY_KEY: Buffer.alloc(32, 5).toString('base64'),
          SMART_CLIENTS: JSON.stringify([{ clientId: 'ehr-console-e2e', scope: 'system/*.cruds', jwks: key.jwks }]),
          TIMELINE_STREAM_POLL_MS: '200',
          SCHEDULING_URL: at(schedulingPort),
          CLINICIAN_LIAISON_URL: at(liaisonPort),
          OUTCOMES_URL: at(outcomesPort),
          ENROLLMENT_URL: at(enrollmentPort),
        },
        startTimeoutMs: 90_000,
      }).then((p) => (services.gateway = p)),
      chromium
        .launchPersistentContext(profile, {
          executablePath: '/usr/bin/chromium',
          args: CHROMIUM_ARGS,
          viewport: { width: 1100, height: 1200 },
          acceptDownloads: true,
        })
        .then((c) => (context = c)),
    ]);
    const response = await requestToken(
      `${url('gateway')}/auth/token`,
      'ehr-console-e2e',
      'system/*.cruds',
      key.privateKey,
      `${PUBLIC_URL}/auth/token`,
    );
    expect(response.status).toBe(200);
    ehrToken = ((await response.json()) as { access_token: string }).access_token;
  }, 150_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await Promise.allSettled(Object.values(services).map((service) => service.kill9()));
    await Promise.allSettled(Object.values(dbs).map((db) => db.drop()));
    await kafka?.stop();
    rmSync(profile, { recursive: true, force: true });
  }, 60_000);

  it('arranges a member through FHIR and the care flow: in the facilitator’s group, on the psychiatrist’s care team, with PHQ-9 and GAD-7 measures', async () => {
    const patient = {
      resourceType: 'Patient',
      id: PATIENT_ID,
      name: [{ family: 'Synthetic', given: ['Console'] }],
      gender: 'female',
      birthDate: BIRTH_DATE,
    };
    expect([200, 201]).toContain(await postFhir(patient));
    const [row] = await gatewaySql<{ member_ids: string[] }>(
      `SELECT member_ids FROM gateway.audit_event WHERE 'Patient' = ANY(resource_types) AND outcome = '0' ORDER BY recorded_at DESC LIMIT 1`,
    );
    memberId = row!.member_ids[0]!;
    expect(memberId).toMatch(/^mbr_/);

    const measures = [
      ['44261-6', 16, 8 * WEEK],
      ['70274-6', 12, 8 * WEEK],
      ['44261-6', 9, 1 * WEEK],
      ['70274-6', 7, 1 * WEEK],
    ] as const;
    for (const [code, total, ago] of measures) {
      const observation = {
        resourceType: 'Observation',
        id: `console-e2e-${RUN}-${code}-${total}`,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code }] },
        subject: { reference: `Patient/${PATIENT_ID}` },
        effectiveDateTime: new Date(Date.now() - ago).toISOString(),
        valueInteger: total,
      };
      expect([200, 201]).toContain(await postFhir(observation));
    }

    const scheduling = httpJson(url('scheduling'));
    expect(
      (
        await scheduling.post('/api/scheduling/groups', {
          ...groupDetails(GROUP),
          facilitatorIds: [FACILITATOR],
          firstSessionAt: FIRST_SESSION_AT,
          timeZone: 'UTC',
        })
      ).status,
    ).toBe(202);
    await waitForCatalogue(url('enrollment'), [GROUP], 45_000);
    const referralId = randomUUID();
    const referral = {
      referralId,
      memberId,
      referringClinicianId: CLINICIAN,
      wantedGroupType: 'general-emotional-support',
      modalityPreference: 'online',
      memberRole: 'patient',
      screeningFacts: { ...ELIGIBLE_SCREENING_FACTS, age: 22 },
    };
    expect((await httpJson(url('enrollment')).post('/api/enrollment/referrals', referral)).status).toBe(202);
    await recordConsents(url('enrollment'), referralId);
    await enrolInGroup(url('enrollment'), GROUP, referralId);
    const liaison = httpJson(url('liaison'));
    for (const [clinicianId, role] of [
      [CLINICIAN, 'attending-psychiatrist'],
      [FACILITATOR, 'facilitator'],
    ] as const) {
      expect((await liaison.put(`/api/liaison/members/${memberId}/care-team`, { clinicianId, role })).status).toBe(200);
    }

    // The gateway learns group, roster and care team from the events; scheduling its roster; outcomes the measures.
    await waitFor(
      async () => {
        const [access] = await gatewaySql<{ n: string }>(
          `SELECT (SELECT count(*) FROM access.group_member m JOIN access.group_facilitator f USING (group_id) WHERE m.member_id = $1 AND $2 = ANY(f.facilitator_ids))
                + (SELECT count(*) FROM access.care_team WHERE member_id = $1 AND clinician_id = $3) AS n`,
          [memberId, FACILITATOR, CLINICIAN],
        );
        const roster = await scheduling.get<{ members: unknown[] }>(`/api/scheduling/groups/${GROUP}/roster`);
        const trajectory = await httpJson(url('outcomes')).get<{ instruments: { measures: unknown[] }[] }>(
          `/api/outcomes/members/${memberId}/trajectory`,
        );
        return (
          Number(access!.n) === 2 &&
          roster.body.members.length === 1 &&
          trajectory.body.instruments.flatMap((i) => i.measures).length === 4
        );
      },
      {
        timeoutMs: 45_000,
        intervalMs: 300,
        description: 'the gateway to know the group and care team, scheduling the roster, outcomes the four measures',
      },
    );
  });

  it('lets the facilitator take attendance, see a sertraline alert arrive live without the drug, and acknowledge it; the clinician sees the drug', async () => {
    const facilitator = await signIn('facilitator');
    const group = facilitator.locator('article.group', { hasText: GROUP });
    await group.locator('tr', { hasText: MEMBER_NAME }).filter({ hasText: '0 of 6 sessions' }).waitFor();
    await look(facilitator, 'facilitator-home');

    // The session view: a radio group per member, saved to scheduling.
    await group
      .getByRole('link', { name: /attendance 0 of 1/ })
      .first()
      .click();
    await facilitator.locator('#session-heading', { hasText: GROUP }).waitFor();
    // Each member by name (the id stays in the form's data and the URL).
    expect(await facilitator.locator('#session').innerText()).not.toContain(memberId);
    await facilitator.getByRole('group', { name: MEMBER_NAME }).getByLabel('In person').check();
    await facilitator.getByRole('button', { name: 'Save attendance' }).click();
    await facilitator.locator('#console-status', { hasText: 'Attendance saved (1 change)' }).waitFor();
    await look(facilitator, 'facilitator-session');
    const calendar = await httpJson(url('scheduling')).get<{
      sessions: { sessionId: string; attendance: { memberId: string; status: string }[] }[];
    }>(`/api/scheduling/groups/${GROUP}/calendar`);
    expect(calendar.body.sessions.find((session) => session.sessionId === SESSION_3)?.attendance).toEqual([
      { memberId, status: 'attended-in-person' },
    ]);
    // Written back to the EHR: the gateway builds the member's Encounter (CPT 90853) from scheduling's event.
    const encounters = async () => {
      const response = await fetch(`${url('gateway')}/fhir/R4/Encounter?patient=Patient/${PATIENT_ID}`, {
        headers: { authorization: `Bearer ${ehrToken}` },
      });
      return ((await response.json()) as { entry?: { resource: Record<string, unknown> }[] }).entry ?? [];
    };
    await waitFor(async () => (await encounters()).length === 1, {
      timeoutMs: 30_000,
      intervalMs: 250,
      description: 'the attendance to reach the gateway over Kafka as an Encounter',
    });
    expect((await encounters())[0]?.resource).toMatchObject({
      resourceType: 'Encounter',
      status: 'finished',
      type: [{ coding: [{ system: 'http://www.ama-assn.org/go/cpt', code: '90853' }] }, {}],
      subject: { reference: `Patient/${PATIENT_ID}` },
      participant: [{ individual: { identifier: { value: FACILITATOR } } }],
    });

    // Back home: the dose progress counts it. Then the member's page, left open.
    await facilitator.getByRole('link', { name: 'Home' }).click();
    await group.locator('tr', { hasText: MEMBER_NAME }).filter({ hasText: '1 of 6 sessions' }).waitFor();
    await group.getByRole('link', { name: MEMBER_NAME }).click();
    await facilitator.locator('#outcomes figure', { hasText: 'PHQ-9: latest 9 (-7 from baseline 16)' }).waitFor();
    await facilitator.locator('#outcomes figure', { hasText: 'GAD-7: latest 7 (-5 from baseline 12)' }).waitFor();
    await facilitator.locator('#status', { hasText: 'Updating live' }).waitFor();

    // The EHR orders sertraline: gateway → Kafka → liaison raises the alert → the page shows it, no reload.
    const order = {
      resourceType: 'MedicationRequest',
      id: `console-e2e-${RUN}-sertraline`,
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: {
        coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '36437', display: 'sertraline' }],
      },
      subject: { reference: `Patient/${PATIENT_ID}` },
      authoredOn: new Date().toISOString(),
    };
    expect([200, 201]).toContain(await postFhir(order));
    const alert = facilitator.locator('#member-alerts li.alert-card', {
      hasText: 'Medication change: watch for activation',
    });
    await alert.waitFor({ timeout: 45_000 });
    await facilitator.locator('#timeline li', { hasText: 'Antidepressant (SSRI) started' }).waitFor();
    await alert.locator('.badge', { hasText: 'not escalated' }).waitFor();
    expect(await facilitator.locator('main').innerText()).not.toMatch(/sertraline|36437/i);
    await look(facilitator, 'facilitator-member-alert');

    const alertId = (await alert.getAttribute('data-alert-id'))!;
    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    await facilitator.locator(`#member-alerts li[data-alert-id="${alertId}"][data-status="acknowledged"]`).waitFor();
    const liaisonAlert = await httpJson(url('liaison')).get<{ status: string; recipientRole: string }>(
      `/api/liaison/alerts/${alertId}`,
    );
    expect(liaisonAlert.body).toMatchObject({ status: 'acknowledged', recipientRole: 'facilitator' });
    expect(await facilitator.locator('main').innerText()).not.toMatch(/sertraline|36437/i);
    await look(facilitator, 'facilitator-member-acknowledged');

    const clinician = await signIn('clinician');
    await clinician
      .getByRole('list', { name: 'My care-team members' })
      .getByRole('link', { name: MEMBER_NAME })
      .waitFor();
    // One alert, one state: the facilitator's acknowledgement is the psychiatrist's copy's too (who and when),
    // liaison's sibling copy followed it and the gateway heard it over Kafka; shown by name.
    await clinician
      .locator('#home-body li.alert-card', { hasText: /sertraline started/ })
      .filter({ hasText: 'Acknowledged by Sam Okafor' })
      .waitFor();
    type Copy = { alertId: string; summary: string; state: string; acknowledged: { by: string; at: string } | null };
    const copiesSeenBy = async (username: string) =>
      (
        await httpJson(url('gateway'), { authorization: `Bearer ${await tokenOf(username)}` }).get<{
          alerts: Copy[];
        }>(`/api/care-console/members/${memberId}/alerts`)
      ).body.alerts;
    const facilitatorCopy = (await copiesSeenBy('facilitator')).find((copy) => copy.alertId === alertId)!;
    const clinicianCopy = (await copiesSeenBy('clinician')).find((copy) => /sertraline started/.test(copy.summary))!;
    expect(clinicianCopy).toMatchObject({ state: 'acknowledged', acknowledged: facilitatorCopy.acknowledged });
    expect(facilitatorCopy.acknowledged).toMatchObject({ by: FACILITATOR });
    await look(clinician, 'clinician-home');
    await clinician.getByRole('link', { name: 'Alerts inbox' }).click();
    await clinician
      .locator('#inbox li.alert-card', { hasText: /sertraline started/ })
      .locator('.badge', { hasText: 'not escalated' })
      .waitFor();
    await look(clinician, 'clinician-inbox');
    await clinician.getByRole('link', { name: 'Home' }).click();
    await clinician
      .getByRole('list', { name: 'My care-team members' })
      .getByRole('link', { name: MEMBER_NAME })
      .click();
    await clinician.locator('#member-alerts li.alert-card', { hasText: /sertraline started/ }).waitFor();
    await clinician
      .locator('#timeline li', { hasText: /Sertraline, antidepressant \(SSRI\), started/ })
      .first()
      .waitFor();
    await look(clinician, 'clinician-member');

    // Every read and write was audited under the person who made it.
    const audited = await gatewaySql<{ agent: string; action: string; types: string }>(
      `SELECT DISTINCT agent, action, array_to_string(resource_types, ',') AS types FROM gateway.audit_event WHERE member_ids @> ARRAY[$1] AND outcome = '0' AND agent IN ($2, $3) ORDER BY agent, action, types`,
      [memberId, FACILITATOR, CLINICIAN],
    );
    expect(audited).toEqual(
      expect.arrayContaining([
        { agent: FACILITATOR, action: 'U', types: 'Attendance' },
        { agent: FACILITATOR, action: 'U', types: 'Communication' },
        { agent: FACILITATOR, action: 'R', types: 'Observation' },
        { agent: FACILITATOR, action: 'R', types: 'Timeline' },
        { agent: CLINICIAN, action: 'R', types: 'Communication' },
      ]),
    );
  });

  it('lets the facilitator report acute distress from the session sheet on a 390 px phone: confirmed first, then critical to the psychiatrist, the note kept out of the audit', async () => {
    const NOTE = 'synthetic: tearful, left the room mid-session';
    const facilitator = await signIn('facilitator');
    await facilitator.setViewportSize({ width: 390, height: 844 });
    const group = facilitator.locator('article.group', { hasText: GROUP });
    await group
      .getByRole('link', { name: /attendance \d+ of \d+/ })
      .first()
      .click();
    await facilitator.locator('#session-heading', { hasText: GROUP }).waitFor();
    const member = facilitator.getByRole('group', { name: new RegExp(MEMBER_NAME) });
    await member.getByRole('button', { name: 'Report acute distress' }).click();
    // Nothing is sent before the confirmation: the panel asks first, and says who will be alerted.
    await member.getByText('Their attending psychiatrist is alerted now, as critical.').waitFor();
    await member.getByLabel('What you saw (optional, for the care team)').fill(NOTE);
    await look(facilitator, 'facilitator-distress-390');
    expect(Number(await facilitator.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
    await member.getByRole('button', { name: 'Send report' }).click();
    await facilitator.locator('#console-status', { hasText: `Acute distress reported for ${MEMBER_NAME}` }).waitFor();

    const clinician = await signIn('clinician');
    await clinician.getByRole('link', { name: 'Alerts inbox' }).click();
    const card = clinician.locator('#inbox li.alert-card', {
      hasText: 'Facilitator reported acute distress in a group session',
    });
    await card.waitFor({ timeout: 45_000 });
    await card.locator('.badge', { hasText: 'critical' }).waitFor();
    await look(clinician, 'clinician-inbox-distress');

    const audited = await gatewaySql<{ outcome: string; text: string }>(
      `SELECT outcome, row_to_json(a)::text AS text FROM gateway.audit_event a WHERE member_ids @> ARRAY[$1] AND agent = $2 AND resource_types @> ARRAY['Flag'] AND action = 'C'`,
      [memberId, FACILITATOR],
    );
    expect(audited.map((row) => row.outcome)).toEqual(['0']);
    expect(audited[0]!.text).not.toContain('tearful');
  });

  it("liaison's member-alerts route (added for the console) lists every recipient's copy about the member, and checks the id", async () => {
    const liaison = httpJson(url('liaison'));
    const copies = await liaison.get<{ memberId: string; recipientRole: string; rule: string }[]>(
      `/api/liaison/members/${memberId}/alerts`,
    );
    expect(copies.status).toBe(200);
    expect(
      copies.body
        .filter((alert) => alert.rule === 'antidepressant-change')
        .map((alert) => alert.recipientRole)
        .sort(),
    ).toEqual(['attending-psychiatrist', 'facilitator']);
    expect(copies.body.every((alert) => alert.memberId === memberId)).toBe(true);
    expect((await liaison.get('/api/liaison/members/not-a-member/alerts')).status).toBe(400);
  });

  it('refuses bad input with a message and no effect, and anyone the access rules exclude', async () => {
    const api = (token: string) => httpJson(url('gateway'), { authorization: `Bearer ${token}` });
    const [facilitator, clinician, lead] = await Promise.all([
      tokenOf('facilitator'),
      tokenOf('clinician'),
      tokenOf('lead'),
    ]);
    const alerts = await api(clinician).get<{ alerts: { alertId: string; status: string }[] }>(
      `/api/care-console/members/${memberId}/alerts`,
    );
    const open = alerts.body.alerts.find((a) => a.status === 'raised' || a.status === 'delivered')!;
    expect(
      await api(clinician).post(`/api/care-console/alerts/${open.alertId}/acknowledgement`, {
        outcome: 'overridden',
        reason: ' ',
      }),
    ).toMatchObject({
      status: 422,
      body: { message: 'reason is required when an alert is overridden' },
    });
    // The facilitator may not act on the clinician's copy, the lead sees no member.
    expect(
      (await api(facilitator).post(`/api/care-console/alerts/${open.alertId}/acknowledgement`, { outcome: 'accepted' }))
        .status,
    ).toBe(403);
    expect((await api(lead).get(`/api/care-console/members/${memberId}/outcomes`)).status).toBe(403);
    expect((await api(clinician).get(`/api/care-console/groups/${GROUP}/sessions/${SESSION_3}`)).status).toBe(403);
    expect((await httpJson(url('gateway')).get('/api/care-console/home')).status).toBe(401);
    expect(
      await api(facilitator).put(`/api/care-console/groups/${GROUP}/sessions/${SESSION_3}/attendance`, {
        entries: [{ memberId, status: 'late' }],
      }),
    ).toMatchObject({
      status: 422,
      body: { message: expect.stringContaining('entries[0].status must be one of') },
    });
    const unchanged = await httpJson(url('liaison')).get<{ status: string }>(`/api/liaison/alerts/${open.alertId}`);
    expect(unchanged.body.status).toBe(open.status);
  });

  it('shows the programme lead the cohort report with a chart and a CSV download, and no member', async () => {
    const lead = await signIn('lead');
    await lead.getByRole('link', { name: 'Cohort report' }).first().click();
    await lead.locator('#cohort-body table', { hasText: 'PHQ-9: 1 member with a measure' }).waitFor();
    await lead.locator('#cohort-body svg.chart').waitFor();
    await look(lead, 'lead-cohort');
    const [download] = await Promise.all([
      lead.waitForEvent('download'),
      lead.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^instrument,cell,n,meanBaseline/);
    expect(csv).toMatch(/^phq-9,all,1,/m);
    await lead.goto(`${url('gateway')}/#/members/${memberId}`);
    await lead
      .locator('#console-status[role="alert"]', {
        hasText: 'Programme leads see cohort figures, never members or groups',
      })
      .waitFor();
  });
});
