import { Client } from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { pseudonymousStaffId } from '@carecircle/gateway/application';
import { waitFor } from '@carecircle/platform/testing';
import { FHIR_JSON_TYPE, startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';
import { StandInEhrLaunch } from '../testing/stand-in-ehr-launch';

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
/** Only the gateway runs: the console's services answer nowhere (sign-in and launch need none of them). */
const NO_SERVICES = {
  SCHEDULING_URL: 'http://127.0.0.1:9',
  CLINICIAN_LIAISON_URL: 'http://127.0.0.1:9',
  OUTCOMES_URL: 'http://127.0.0.1:9',
  ENROLLMENT_URL: 'http://127.0.0.1:9',
};
const CONSOLE_CLIENT = 'carecircle-console';
const SMART_CLIENT = 'carecircle-smart-app';
const PATIENT = 'ehr-synthetic-patient-0001';
const PRACTITIONER = 'Practitioner/ehr-synthetic-psy-0001';
/** The provider's group names, mapped to CareCircle roles by configuration. */
const ROLE_MAP = { 'cc-programme-leads': 'programme-lead', 'cc-psychiatrists': 'clinician' };

describe('the console signs in at an OpenID Connect provider and opens from an EHR (SMART App Launch), in Chromium', () => {
  let ehr: StandInEhrLaunch | undefined;
  let gateway: GatewayHarness | undefined;
  let browser: Browser | undefined;
  let base = '';
  let memberId = '';

  beforeAll(async () => {
    ehr = await StandInEhrLaunch.start();
    gateway = await startGatewayHarness({
      database: 'gateway_console_sign_in',
      clients: [{ clientId: 'ehr-integration', scope: 'system/Patient.cu' }],
      env: {
        ...NO_SERVICES,
        GATEWAY_OIDC_ISSUER: ehr.oidcIssuer,
        GATEWAY_OIDC_AUDIENCE: 'carecircle-gateway',
        GATEWAY_OIDC_CLIENT_ID: CONSOLE_CLIENT,
        GATEWAY_OIDC_ROLE_CLAIM: 'groups',
        GATEWAY_OIDC_ROLE_MAP: JSON.stringify(ROLE_MAP),
        GATEWAY_SMART_EHRS: JSON.stringify([{ iss: ehr.fhirBase, clientId: SMART_CLIENT, name: 'Stand-in EHR' }]),
      },
    });
    base = gateway.base;
    ehr.registerClient(CONSOLE_CLIENT, `${base}/`);
    ehr.registerClient(SMART_CLIENT, `${base}/`);
    // The EHR feed brings the patient in (a pseudonymous member); its CareTeam names the psychiatrist (projected, as liaison's event would).
    const ingest = await fetch(`${base}/fhir/R4/Patient/${PATIENT}`, {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await gateway.accessToken('ehr-integration', 'system/Patient.cu')}`,
        'content-type': FHIR_JSON_TYPE,
      },
      body: JSON.stringify({
        resourceType: 'Patient',
        id: PATIENT,
        name: [{ family: 'Synthetic', given: ['Launch'] }],
        birthDate: '1970-01-01',
      }),
    });
    expect(ingest.status).toBeLessThan(300);
    const sql = new Client({ connectionString: gateway.db.url });
    await sql.connect();
    try {
      memberId = (await sql.query<{ member_id: string }>('SELECT member_id FROM gateway.member_identity')).rows[0]!
        .member_id;
      const staffId = pseudonymousStaffId(Buffer.alloc(32, 7), PRACTITIONER); // the harness's GATEWAY_IDENTITY_KEY
      await sql.query(
        `INSERT INTO access.care_team (member_id, clinician_id, role, active_until) VALUES ($1, $2, 'attending-psychiatrist', NULL)`,
        [memberId, staffId],
      );
    } finally {
      await sql.end();
    }
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await gateway?.stop();
    await ehr?.stop();
  }, 60_000);

  /** A fresh browser context per test (no cookies or storage shared), and the bearer tokens the page sent to the gateway. */
  async function openPage(): Promise<{ page: Page; context: BrowserContext; bearers: string[] }> {
    const context = await browser!.newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    const bearers: string[] = [];
    page.on('request', (request) => {
      const bearer = /^Bearer (\S+)$/.exec(request.headers()['authorization'] ?? '')?.[1];
      if (request.url().startsWith(`${base}/api/`) && bearer) bearers.push(bearer);
    });
    return { page, context, bearers };
  }

  const storedValues = (page: Page) =>
    page.evaluate(() => {
      const { localStorage, sessionStorage } = globalThis as unknown as Record<
        'localStorage' | 'sessionStorage',
        Record<string, string>
      >;
      return [...Object.values(localStorage), ...Object.values(sessionStorage)].join('\n');
    });
  const pageToken = (page: Page) =>
    page.evaluate(() => (globalThis as unknown as { ccTimeline: { token(): string | null } }).ccTimeline.token());

  it('signs a programme lead in with authorization code + PKCE, role from the mapped claim, tokens in memory only; reload and sign-out end it', async () => {
    ehr!.user = {
      sub: 'idp-user-lead-01',
      name: 'Synthetic programme lead',
      claims: { groups: ['offline_access', 'cc-programme-leads'] },
    };
    const { page, context } = await openPage();
    try {
      await page.goto(`${base}/`);
      await page.getByRole('button', { name: 'Sign in with your organisation' }).click();
      await page.locator('#who', { hasText: 'Signed in as Synthetic programme lead (programme-lead).' }).waitFor();
      await page.locator('#home-heading', { hasText: 'Programme overview' }).waitFor();
      expect(await page.getByRole('link', { name: 'Cohort report', exact: true }).isVisible()).toBe(true);
      const authorization = ehr!.record.authorizations.at(-1)!;
      expect(authorization.get('code_challenge_method')).toBe('S256');
      expect(authorization.get('client_id')).toBe(CONSOLE_CLIENT);
      expect(authorization.get('state')).toBeTruthy();
      expect(authorization.get('nonce')).toBeTruthy();
      expect(page.url()).not.toMatch(/code=|state=/); // nothing of the redirect left in the address bar
      const token = await pageToken(page);
      expect(token).toBeTruthy();
      // The gateway takes the provider's token; nothing of it is stored in the browser.
      expect(
        await fetch(`${base}/api/care-console/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) =>
          r.json(),
        ),
      ).toMatchObject({ role: 'programme-lead' });
      expect(await storedValues(page)).not.toContain(token!.split('.')[2]);

      await page.reload();
      await page.getByRole('button', { name: 'Sign in with your organisation' }).waitFor();
      expect(await pageToken(page)).toBeNull();

      await page.getByRole('button', { name: 'Sign in with your organisation' }).click();
      await page.locator('#home-heading', { hasText: 'Programme overview' }).waitFor();
      const signOuts = ehr!.record.signOuts.length;
      const refreshToken = ehr!.record.grants.length;
      // RP-initiated logout at the provider, then back to the console (a new page load), signed out.
      const backAtConsole = page.waitForResponse(
        (response) => response.url() === `${base}/` && response.request().isNavigationRequest(),
      );
      await page.getByRole('button', { name: 'Sign out' }).click();
      await backAtConsole;
      expect(ehr!.record.signOuts.length).toBe(signOuts + 1);
      expect(ehr!.record.signOuts.at(-1)!.get('id_token_hint')).toBeTruthy();
      expect(ehr!.record.grants.length).toBe(refreshToken); // no token was asked for since
      await page.getByRole('button', { name: 'Sign in with your organisation' }).waitFor();
      expect(await pageToken(page)).toBeNull();
    } finally {
      await context.close();
    }
  });

  it('refreshes the tokens before they expire, and the page goes on with the new one', async () => {
    ehr!.user = {
      sub: 'idp-user-lead-02',
      name: 'Synthetic programme lead two',
      claims: { groups: ['cc-programme-leads'] },
    };
    ehr!.tokenTtlSeconds = 4; // refreshed at half-life
    const { page, context, bearers } = await openPage();
    try {
      await page.goto(`${base}/`);
      await page.getByRole('button', { name: 'Sign in with your organisation' }).click();
      await page.locator('#home-heading', { hasText: 'Programme overview' }).waitFor();
      const first = await pageToken(page);
      const refreshes = () =>
        ehr!.record.grants.filter((grant) => grant.grantType === 'refresh_token' && grant.status === 200).length;
      await waitFor(async () => refreshes() >= 1 && (await pageToken(page)) !== first, {
        timeoutMs: 15_000,
        description: 'the console to refresh its token',
      });
      const refreshed = await pageToken(page);
      expect(bearers).toContain(refreshed); // the gateway was asked with the new token
      expect(
        (await fetch(`${base}/api/care-console/me`, { headers: { authorization: `Bearer ${refreshed}` } })).status,
      ).toBe(200);
    } finally {
      ehr!.tokenTtlSeconds = 3600;
      await context.close();
    }
  });

  it('gives a person whose token maps to no CareCircle role nothing', async () => {
    ehr!.user = { sub: 'idp-user-visitor', name: 'Synthetic visitor', claims: { groups: ['hospital-visitors'] } };
    const { page, context, bearers } = await openPage();
    try {
      await page.goto(`${base}/`);
      await page.getByRole('button', { name: 'Sign in with your organisation' }).click();
      await page.locator('#console-status', { hasText: 'no CareCircle role' }).waitFor();
      expect(await pageToken(page)).toBeNull();
      expect(
        (await fetch(`${base}/api/care-console/me`, { headers: { authorization: `Bearer ${bearers[0]}` } })).status,
      ).toBe(401);
    } finally {
      await context.close();
    }
  });

  it('opens the launching patient’s member page on an EHR launch, for the psychiatrist on their care team', async () => {
    ehr!.user = {
      sub: 'ehr-user-psy-01',
      name: 'Synthetic psychiatrist',
      practitioner: PRACTITIONER,
      claims: { groups: ['cc-psychiatrists'] },
    };
    const { page, context } = await openPage();
    try {
      await page.goto(ehr!.launchUrl(PATIENT, `${base}/launch`));
      await page.waitForURL(`${base}/#/members/${memberId}`);
      await page.locator('#member').waitFor();
      await page.locator('#who', { hasText: 'Signed in as Synthetic psychiatrist (clinician).' }).waitFor();
      const authorization = ehr!.record.authorizations.at(-1)!;
      expect(authorization.get('launch')).toBeTruthy();
      expect(authorization.get('aud')).toBe(ehr!.fhirBase);
      expect(authorization.get('scope')!.split(' ')).toEqual(expect.arrayContaining(['openid', 'fhirUser', 'launch']));
      expect(await launchAudit('0')).toContainEqual({ member_ids: [memberId], resource_types: ['Patient'] });
    } finally {
      await context.close();
    }
  });

  it('opens the patient the EHR picked on a standalone launch', async () => {
    ehr!.user = {
      sub: 'ehr-user-psy-01',
      name: 'Synthetic psychiatrist',
      practitioner: PRACTITIONER,
      claims: { groups: ['cc-psychiatrists'] },
    };
    const { page, context } = await openPage();
    try {
      await page.goto(`${base}/`);
      await page.getByRole('button', { name: 'Sign in through Stand-in EHR' }).click();
      await page.waitForURL(`${base}/#/members/${memberId}`);
      await page.locator('#member').waitFor();
      expect(ehr!.record.authorizations.at(-1)!.get('scope')!.split(' ')).toContain('launch/patient');
    } finally {
      await context.close();
    }
  });

  it('refuses the launch, audited, when the EHR user is not on the patient’s care team', async () => {
    ehr!.user = {
      sub: 'ehr-user-psy-02',
      name: 'Synthetic other psychiatrist',
      practitioner: 'Practitioner/ehr-synthetic-psy-0002',
      claims: { groups: ['cc-psychiatrists'] },
    };
    const { page, context } = await openPage();
    try {
      await page.goto(ehr!.launchUrl(PATIENT, `${base}/launch`));
      await page.getByRole('link', { name: 'Open your home' }).waitFor();
      expect(await page.locator('#console-status').getAttribute('role')).toBe('alert');
      expect(page.url()).not.toContain(memberId);
      expect(await launchAudit('4')).toContainEqual({ member_ids: [memberId], resource_types: ['Patient'] });
    } finally {
      await context.close();
    }
  });

  it('refuses a launch from an EHR that is not registered, without contacting it', async () => {
    const stranger = await StandInEhrLaunch.start();
    const { page, context } = await openPage();
    try {
      const response = await page.goto(stranger.launchUrl(PATIENT, `${base}/launch`));
      expect(response?.status()).toBe(400);
      expect(page.url()).toMatch(new RegExp(`^${base}/launch\\?`));
      expect(await page.textContent('body')).toContain('not registered');
      expect(stranger.record.requests).toBe(1); // the EHR's own launch click only: nothing from the gateway or the page
      expect(stranger.record.authorizations).toHaveLength(0);
      // Nor does the gateway take a token that EHR signed for the console, nor fetch its keys to try.
      const idToken = await stranger.sign({ groups: ['cc-psychiatrists'] }, stranger.fhirBase, SMART_CLIENT);
      expect(
        (await fetch(`${base}/api/care-console/me`, { headers: { authorization: `Bearer ${idToken}` } })).status,
      ).toBe(401);
      expect(stranger.record.requests).toBe(1);
      const sql = new Client({ connectionString: gateway!.db.url });
      await sql.connect();
      const refusals = await sql
        .query(`SELECT 1 FROM gateway.audit_event WHERE operation = 'GET /launch' AND outcome = '4'`)
        .finally(() => sql.end());
      expect(refusals.rowCount).toBeGreaterThan(0);
    } finally {
      await context.close();
      await stranger.stop();
    }
  });

  async function launchAudit(outcome: '0' | '4'): Promise<{ member_ids: string[]; resource_types: string[] }[]> {
    const sql = new Client({ connectionString: gateway!.db.url });
    await sql.connect();
    try {
      const { rows } = await sql.query<{ member_ids: string[]; resource_types: string[] }>(
        `SELECT member_ids, resource_types FROM gateway.audit_event WHERE operation = 'POST /api/care-console/launch' AND outcome = $1`,
        [outcome],
      );
      return rows;
    } finally {
      await sql.end();
    }
  }
});
