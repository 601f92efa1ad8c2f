import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { fixtures, Topics, type IntegrationEvent } from '@carecircle/contracts';
import { createKafka, createProducer } from '@carecircle/platform/messaging';
import { startServiceProcess, type ServiceProcess } from '@carecircle/platform/service-kit';
import {
  createTestDatabase,
  startKafka,
  waitFor,
  type KafkaCluster,
  type TestDatabase,
} from '@carecircle/platform/testing';
import { axeViolations } from './testing/axe';

// Run from the workspace root after `npm run build` (npm run test:e2e does both).
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
const MEMBER = 'mbr_synthetic_0001';
const UI_TIMEOUT_MS = 20_000;
/** Only the gateway runs here: the care console's services answer nowhere (its own e2e runs them). */
const NO_SERVICES = {
  SCHEDULING_URL: 'http://127.0.0.1:9',
  CLINICIAN_LIAISON_URL: 'http://127.0.0.1:9',
  OUTCOMES_URL: 'http://127.0.0.1:9',
  ENROLLMENT_URL: 'http://127.0.0.1:9',
};

const TOPIC_OF: Record<string, string> = {
  GroupFormed: Topics.scheduling,
  ReferralReceived: Topics.enrollment,
  MemberEnrolled: Topics.enrollment,
  MeasureRecorded: Topics.outcomes,
  TreatmentPlanUpdated: Topics.clinicianLiaison,
  MedicationChanged: Topics.clinicianLiaison,
  CoordinationAlertRaised: Topics.clinicianLiaison,
  AlertAcknowledged: Topics.clinicianLiaison,
  CareTeamMemberAssigned: Topics.clinicianLiaison,
};

async function signIn(context: BrowserContext, baseUrl: string, username: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT_MS);
  await page.goto(`${baseUrl}/`);
  await page.getByLabel('Demo user (development sign-in)').selectOption(username);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#who').filter({ hasText: 'Signed in as' }).waitFor();
  // The home comes first; the member's page is its own route.
  await page.goto(`${baseUrl}/#/members/${MEMBER}`);
  return page;
}

describe('the web UI in Chromium: the care timeline, redacted by role, updating live', () => {
  let kafka: KafkaCluster | undefined;
  let db: TestDatabase | undefined;
  let gateway: ServiceProcess | undefined;
  let context: BrowserContext | undefined;
  let producer: ReturnType<typeof createProducer> | undefined;
  const profile = mkdtempSync(join(tmpdir(), 'cc-chromium-'));

  async function publish(...types: (keyof typeof TOPIC_OF)[]): Promise<void> {
    for (const type of types) {
      const fixture = fixtures[type as keyof typeof fixtures] as IntegrationEvent;
      // The fixture's care-team period has ended (2026-09-01): here the psychiatrist is on the team now.
      const event =
        type === 'CareTeamMemberAssigned'
          ? { ...fixture, payload: { ...(fixture.payload as object), activeUntil: null } }
          : fixture;
      await producer!.send({
        topic: TOPIC_OF[type]!,
        messages: [{ key: event.subject, value: JSON.stringify(event) }],
      });
    }
  }

  /** The fixture's medication change delivered again under another event id: the same fact, seen twice. */
  async function publishMedicationChangeAgain(): Promise<void> {
    const again = { ...fixtures.MedicationChanged, eventId: randomUUID() };
    await producer!.send({
      topic: TOPIC_OF.MedicationChanged!,
      messages: [{ key: again.subject, value: JSON.stringify(again) }],
    });
  }

  /** Liaison's facilitator copy of the fixture alert (a copy per recipient, minimum necessary, a warning). */
  async function publishFacilitatorCopyOfAlert(): Promise<void> {
    const raised = fixtures.CoordinationAlertRaised;
    const copy = {
      ...raised,
      eventId: randomUUID(),
      payload: {
        ...raised.payload,
        alertId: randomUUID(),
        severity: 'warning',
        recipientRole: 'facilitator',
        recipientId: 'fac_synthetic_sw_01',
        dedupKey: `${raised.payload.dedupKey.split('|')[0]}|facilitator`,
      },
    };
    await producer!.send({
      topic: Topics.clinicianLiaison,
      messages: [{ key: copy.subject, value: JSON.stringify(copy) }],
    });
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    kafka = await startKafka();
    db = await createTestDatabase('gateway_web_ui');
    producer = createProducer(createKafka({ clientId: 'web-ui-e2e', brokers: kafka.brokers }));
    await producer.connect();
    // Something on each topic before the gateway subscribes (the mock cluster creates topics on first produce).
    await publish(
      'GroupFormed',
      'ReferralReceived',
      'MemberEnrolled',
      'CareTeamMemberAssigned',
      'MeasureRecorded',
      'TreatmentPlanUpdated',
    );
    gateway = await startServiceProcess({
      app: 'gateway',
      env: {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: kafka.brokers.join(','),
        KAFKA_TOPICS_AUTO_CREATED: 'true',
        GATEWAY_DEV_IDP: 'true',
        TIMELINE_STREAM_POLL_MS: '200',
        ...NO_SERVICES,
      },
      startTimeoutMs: 30_000,
    });
    context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 1400 },
    });
  }, 120_000);

  afterAll(async () => {
    await context?.close().catch(() => undefined);
    await gateway?.kill9();
    await producer?.disconnect().catch(() => undefined);
    await db?.drop();
    await kafka?.stop();
    rmSync(profile, { recursive: true, force: true });
  }, 60_000);

  it('shows the facilitator the alert and the medication change without the drug; the clinician sees the drug; the lead sees no member', async () => {
    const baseUrl = gateway!.url;
    // The consumer has caught up with what was published before it started.
    await waitFor(
      async () => {
        const response = await fetch(`${baseUrl}/health`);
        return response.ok;
      },
      { timeoutMs: 15_000, description: 'the gateway to be healthy' },
    );
    // Access comes from the relationships the gateway projects from the bus: wait on the projection itself,
    // so that no early request is refused (the audit below counts refusals).
    const projection = new Client({ connectionString: db!.url });
    await projection.connect();
    try {
      await waitFor(
        async () => {
          const { rows } = await projection.query<{ ready: boolean }>(
            `SELECT EXISTS (SELECT 1 FROM access.group_member m JOIN access.group_facilitator f USING (group_id) WHERE m.member_id = $1 AND cardinality(f.facilitator_ids) > 0)
                AND EXISTS (SELECT 1 FROM access.care_team WHERE member_id = $1) AS ready`,
            [MEMBER],
          );
          return rows[0]?.ready === true;
        },
        {
          timeoutMs: 30_000,
          intervalMs: 250,
          description: "the gateway to project the member's group, facilitator and care team",
        },
      );
    } finally {
      await projection.end();
    }

    const facilitator = await signIn(context!, baseUrl, 'facilitator');
    await facilitator.locator('#timeline li', { hasText: 'Enrolled in group grp_cancer_tuesday' }).waitFor();

    // Arrives while the page is open: shown through the live stream, no reload.
    await publish('MedicationChanged', 'CoordinationAlertRaised', 'AlertAcknowledged');
    await publishMedicationChangeAgain();
    await publishFacilitatorCopyOfAlert();
    // The medicine's class, never its name or dose.
    await facilitator.locator('#timeline li', { hasText: 'Antidepressant (SSRI) started' }).waitFor();
    // The facilitator's own copy of the alert; the psychiatrist's copy (critical) is the care team's, not shown twice.
    await facilitator.locator('#timeline li.sev-warning', { hasText: 'Alert: antidepressant change' }).waitFor();
    await expect(
      facilitator.locator('#timeline li.sev-critical', { hasText: 'Alert: antidepressant change' }).count(),
    ).resolves.toBe(0);
    const facilitatorText = await facilitator.locator('#timeline').innerText();
    expect(facilitatorText).not.toMatch(/sertraline|36437|clin_|mg/i);
    // Read as sentences: no field names, JSON or codes; the change seen twice is one entry; newest first,
    // when it happened shown and when it was recorded on hover.
    expect(facilitatorText).not.toMatch(/[a-z][A-Z][a-z]|[{}"]|unclassified|\d{4}-\d{2}-\d{2}T/);
    await expect(
      facilitator.locator('#timeline li', { hasText: 'Antidepressant (SSRI) started' }).count(),
    ).resolves.toBe(1);
    const times = await facilitator
      .locator('#timeline li time')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
    expect(times.length).toBeGreaterThan(3);
    expect([...times].sort().reverse()).toEqual(times);
    expect(await facilitator.locator('#timeline li time').first().getAttribute('title')).toMatch(/^Recorded /);
    expect(await axeViolations(facilitator)).toEqual([]);
    await facilitator.screenshot({ path: join(SCREENSHOTS, 'timeline-facilitator.png'), fullPage: true });

    // Filters: only alerts.
    await facilitator.getByLabel('Medication and treatment').uncheck();
    await expect(facilitator.locator('#timeline li[data-kind="treatment"]').count()).resolves.toBe(0);

    const clinician = await signIn(context!, baseUrl, 'clinician');
    await clinician
      .locator('#timeline li', { hasText: 'Sertraline, antidepressant (SSRI), 50 mg/day, started by' })
      .waitFor();
    // The care team sees every copy, its own with the lifecycle.
    const psychiatristCopy = clinician.locator('#timeline li.sev-critical', {
      hasText: 'Alert: antidepressant change',
    });
    await psychiatristCopy.locator('.lifecycle', { hasText: 'Alert status: overridden' }).waitFor();
    // The override is one fact: shown on the alert it overrode, not again as an entry of its own.
    await expect(clinician.locator('#timeline li[data-type="AlertAcknowledged"]').count()).resolves.toBe(0);
    await clinician.locator('#timeline li.sev-warning', { hasText: 'Alert: antidepressant change' }).waitFor();
    expect(await axeViolations(clinician)).toEqual([]);
    await clinician.screenshot({ path: join(SCREENSHOTS, 'timeline-clinician.png'), fullPage: true });
    // On a 390 px phone: nothing scrolls sideways, still no axe finding of any impact.
    for (const [page, who] of [
      [clinician, 'clinician'],
      [facilitator, 'facilitator'],
    ] as const) {
      await page.setViewportSize({ width: 390, height: 844 });
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
              .documentElement.scrollWidth,
        ),
      ).toBeLessThanOrEqual(390);
      expect(await axeViolations(page)).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `timeline-${who}-390.png`), fullPage: true });
      await page.setViewportSize({ width: 1100, height: 1400 });
    }

    const lead = await signIn(context!, baseUrl, 'lead');
    await lead
      .locator('#console-status[role="alert"]', {
        hasText: 'Programme leads see cohort figures, never members or groups',
      })
      .waitFor();
    expect(await lead.locator('#member').isHidden()).toBe(true);
    await lead.screenshot({ path: join(SCREENSHOTS, 'timeline-lead.png'), fullPage: true });

    // Every read was audited (the timeline's and the console's), the lead's denial too.
    const client = new Client({ connectionString: db!.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ agent: string; outcome: string }>(
        `SELECT DISTINCT agent, outcome FROM gateway.audit_event WHERE resource_types && ARRAY['Timeline', 'Communication'] AND member_ids @> ARRAY[$1] ORDER BY agent`,
        [MEMBER],
      );
      expect(rows).toEqual([
        { agent: 'clin_synthetic_psy_01', outcome: '0' },
        { agent: 'fac_synthetic_sw_01', outcome: '0' },
        { agent: 'lead_synthetic_01', outcome: '4' },
      ]);
    } finally {
      await client.end();
    }
  }, 120_000);

  it('works under its Content-Security-Policy (no violation), and signing out ends the session at the issuer', async () => {
    const baseUrl = gateway!.url;
    // A fresh profile, watched for any CSP report from the first page on.
    const strictProfile = mkdtempSync(join(tmpdir(), 'cc-chromium-csp-'));
    const strict = await chromium.launchPersistentContext(strictProfile, {
      executablePath: '/usr/bin/chromium',
      args: CHROMIUM_ARGS,
      viewport: { width: 1100, height: 1400 },
    });
    try {
      const violations: string[] = [];
      strict.on(
        'console',
        (message) => void (/Content Security Policy/i.test(message.text()) && violations.push(message.text())),
      );
      const page = await signIn(strict, baseUrl, 'clinician');
      page.on(
        'console',
        (message) => void (/Content Security Policy/i.test(message.text()) && violations.push(message.text())),
      );
      await page.locator('#timeline li', { hasText: 'Enrolled in group grp_cancer_tuesday' }).waitFor();
      const token = await page.evaluate(() => sessionStorage.getItem('cc.token'));
      expect(token).toBeTruthy();
      const logout = page.waitForResponse((response) => response.url().endsWith('/dev-idp/logout'));
      await page.getByRole('button', { name: 'Sign out' }).click();
      expect((await logout).status()).toBe(204);
      expect(
        (await fetch(`${baseUrl}/api/members/${MEMBER}/timeline`, { headers: { authorization: `Bearer ${token}` } }))
          .status,
      ).toBe(401);
      expect(violations).toEqual([]);
    } finally {
      await strict.close().catch(() => undefined);
      rmSync(strictProfile, { recursive: true, force: true });
    }
  }, 60_000);
});
