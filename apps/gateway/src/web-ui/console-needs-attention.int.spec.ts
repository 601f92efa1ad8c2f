import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Pool } from 'pg';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { fixtures } from '@carecircle/contracts';
import { IdentityVault, type LiaisonAlert } from '@carecircle/gateway/application';
import { projectTimelineEvent } from '@carecircle/gateway/read-models';
import { SEEDED, seedMemberAccess } from '../auth/testing/seed-member-access';
import { readGatewayConfig } from '../gateway.config';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';
import { liaisonMedication } from '../testing/services-stand-in';
import { axeViolations } from './testing/axe';
import { sqlOfPool } from '@carecircle/platform/event-store';

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
const UI_TIMEOUT_MS = 15_000;
const PHONE = { width: 390, height: 844 };
/** Kept out of the repository; docs/screenshots holds copies chosen by hand. */
const SCREENSHOTS = join(process.cwd(), 'test-output', 'screenshots');
const GROUP = SEEDED.group;
const SESSION = `${GROUP}-s02`;
const DAY = 24 * 3_600_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** A liaison copy of an alert about the seeded member; `due` is when it escalates (as raised). */
function liaisonAlert(
  alertId: string,
  severity: string,
  raisedAt: string,
  more: Partial<LiaisonAlert> = {},
): LiaisonAlert {
  return {
    alertId,
    memberId: SEEDED.member,
    rule: 'therapeutic-overload',
    severity,
    status: 'delivered',
    recipientRole: 'facilitator',
    recipientId: null,
    summary: `Facilitator ${severity} alert ${alertId.slice(-2)}`,
    detail: '',
    escalationLevel: 0,
    raisedAt,
    ...more,
  };
}

const cell = (n: number, meanBaseline: number, meanFollowUp: number) => ({
  n,
  meanBaseline,
  meanFollowUp,
  meanChange: meanFollowUp - meanBaseline,
  meanChangeCi95: { lower: -5.1, upper: -1.2 },
  meaningfulImprovement: { count: 6, share: 0.4 },
});
/** Outcomes' answer, in the shape the console draws: three cells, one small enough to be suppressed. */
const COHORT_REPORT = {
  instrument: 'phq-9',
  members: 24,
  all: cell(20, 14.2, 10.5),
  byDose: { dosed: cell(15, 14.8, 9.6), underDosed: { suppressed: true, reason: 'fewer than 5 members' } },
  missing: { baseline: 0, followUp: { cause: 'small-cell' } },
  smallCellThreshold: 5,
  doseSessions: 6,
};

/** Synthetic names: the member's sealed identity, and the development sign-in's demo staff. */
const NAMES = { member: 'Ana Ruiz', facilitator: 'Sam Okafor', clinician: 'Dr. Ines Brandt' };
const SERTRALINE = liaisonMedication('med_console_1', SEEDED.clinician, ago(20));

const uuid = (n: number) => `00000000-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`;
const FAC = { info: uuid(1), warning: uuid(2), criticalLate: uuid(3), criticalEscalated: uuid(4), resolved: uuid(5) };
const CLIN = { critical: fixtures.CoordinationAlertRaised.payload.alertId, info: uuid(11) };

/**
 * Issue 17: each role's home opens on what needs attention, in real Chromium against the gateway, its
 * read models seeded from contract fixtures, and one stand-in HTTP server for the services behind it
 * (liaison's inbox changes when acted on, and the gateway is handed liaison's event as Kafka would).
 */
describe('the console’s homes open on the alerts that need attention, and fit a 390 px phone (Chromium)', () => {
  let gateway: GatewayHarness | undefined;
  let services: Server | undefined;
  let browser: Browser | undefined;
  let pool: Pool | undefined;
  let base = '';
  const alerts: LiaisonAlert[] = [];

  /** Liaison's events as the gateway receives them from Kafka (the alert's raising, its later steps). */
  const deliver = (type: string, subject: string, eventId: string, payload: Record<string, unknown>) =>
    projectTimelineEvent(sqlOfPool(pool!), {
      ...fixtures.AlertAcknowledged,
      type,
      subject,
      eventId,
      occurredAt: new Date().toISOString(),
      payload,
    } as never);

  const readBody = (req: IncomingMessage) =>
    new Promise<Record<string, unknown>>((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => resolve(text ? (JSON.parse(text) as Record<string, unknown>) : {}));
    });

  async function answer(req: IncomingMessage): Promise<unknown> {
    const path = req.url?.split('?')[0] ?? '';
    if (path.endsWith('/roster')) return { groupId: GROUP, members: [{ memberId: SEEDED.member, status: 'enrolled' }] };
    if (path.endsWith('/calendar')) {
      const session = (n: number, at: string) => ({
        sessionId: `${GROUP}-s0${n}`,
        startsAt: at,
        endsAt: new Date(Date.parse(at) + 5_400_000).toISOString(),
        status: 'scheduled',
        attendance: [],
      });
      return {
        group: { groupId: GROUP, groupType: 'disease-specific', status: 'active' },
        sessions: [session(1, ago(14)), session(2, ago(7)), session(3, ago(-7))],
      };
    }
    if (path.endsWith('/upcoming-sessions'))
      return { sessions: [{ groupId: GROUP, sessionId: `${GROUP}-s03`, startsAt: ago(-7) }] };
    if (path === `/api/liaison/members/${SEEDED.member}/alerts`) return alerts;
    if (path === `/api/liaison/members/${SEEDED.member}/medications`) return [SERTRALINE];
    if (path === `/api/liaison/clinicians/${SEEDED.clinician}/alerts`)
      return alerts.filter((alert) => alert.recipientId === SEEDED.clinician);
    if (path.endsWith('/trajectory')) {
      const measures = [14, 11, 8].map((total, i) => ({
        administeredAt: ago(30 - i * 10),
        total,
        band: total >= 10 ? 'moderate' : 'mild',
        point: i === 0 ? 'baseline' : 'follow-up',
        item9: i === 2 ? 1 : 0, // the latest PHQ-9 answered item 9 above zero
      }));
      return {
        memberId: SEEDED.member,
        instruments: [{ instrument: 'phq-9', measures, baseline: 14, latest: 8, changeFromBaseline: -6 }],
      };
    }
    if (path === '/api/outcomes/cohort-reports') return COHORT_REPORT;
    const acted = /^\/api\/liaison\/alerts\/([^/]+)(?:\/(acknowledgement|resolution))?$/.exec(path);
    const alert = alerts.find((candidate) => candidate.alertId === acted?.[1]);
    if (alert && acted?.[2] === 'acknowledgement') {
      const body = await readBody(req);
      alert.status = 'acknowledged';
      // As liaison answers a clinician: an override keeps its reason (never in a facilitator's view).
      if (body['outcome'] === 'overridden') alert.overrideReason = String(body['reason']);
      await deliver('AlertAcknowledged', alert.memberId, uuid(90 + alerts.indexOf(alert)), {
        alertId: alert.alertId,
        acknowledgedBy: String(req.headers['x-clinician-id']),
        outcome: body['outcome'],
        overrideReasonGiven: Boolean(body['reason']),
        acknowledgedAt: new Date().toISOString(),
      });
      return { changed: true };
    }
    return alert ?? {};
  }

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    services = createServer((req, res) => {
      void answer(req).then((body) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(body));
      });
    });
    const standIn = services;
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    const upstream = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    gateway = await startGatewayHarness({
      database: 'gateway_console_attention',
      clients: [],
      env: {
        GATEWAY_DEV_IDP: 'true',
        GATEWAY_RATE_LIMIT_BURST: '10000',
        ...Object.fromEntries(
          ['CLINICIAN_LIAISON_URL', 'SCHEDULING_URL', 'OUTCOMES_URL', 'ENROLLMENT_URL'].map((name) => [name, upstream]),
        ),
      },
    });
    base = gateway.base;
    await seedMemberAccess(gateway.db.url); // also raises the fixtures' critical alert to the psychiatrist
    pool = new Pool({ connectionString: gateway.db.url, max: 2 });
    await pool.query(`INSERT INTO gateway.member_identity (member_id, sealed) VALUES ($1, $2)`, [
      SEEDED.member,
      new IdentityVault(readGatewayConfig().identityKey).encrypt({ name: [{ given: ['Ana'], family: 'Ruiz' }] }),
    ]);
    // Oldest first, as liaison lists them: the console must not keep this order.
    alerts.push(
      liaisonAlert(FAC.info, 'info', ago(5)),
      liaisonAlert(FAC.warning, 'warning', ago(4)),
      liaisonAlert(FAC.criticalLate, 'critical', ago(3)),
      liaisonAlert(FAC.criticalEscalated, 'critical', ago(2), { escalationLevel: 1 }),
      liaisonAlert(FAC.resolved, 'warning', ago(6), { status: 'resolved' }),
      liaisonAlert(CLIN.critical, 'critical', fixtures.CoordinationAlertRaised.payload.raisedAt, {
        recipientRole: 'attending-psychiatrist',
        recipientId: SEEDED.clinician,
        rule: 'antidepressant-change',
        summary: 'sertraline started: watch for worsening mood',
      }),
      liaisonAlert(CLIN.info, 'info', ago(1), {
        recipientRole: 'attending-psychiatrist',
        recipientId: SEEDED.clinician,
        rule: 'suicidal-ideation',
        summary: 'PHQ-9 item 9 positive: same-day review',
      }),
    );
    const raised = (alert: LiaisonAlert, n: number, escalationDueAt: string | null) =>
      deliver('CoordinationAlertRaised', alert.memberId, uuid(40 + n), {
        alertId: alert.alertId,
        rule: alert.rule,
        severity: alert.severity,
        recipientRole: alert.recipientRole,
        recipientId: alert.recipientId,
        dedupKey: `k${n}`,
        evidenceEventIds: [],
        raisedAt: alert.raisedAt,
        escalationDueAt,
      });
    // The escalated critical was due first; the other critical later: both come before the warning.
    await raised(alerts[0]!, 0, null);
    await raised(alerts[1]!, 1, ago(3.5));
    await raised(alerts[2]!, 2, ago(-1));
    await raised(alerts[3]!, 3, ago(1.9));
    await raised(alerts[4]!, 4, null);
    await raised(alerts[6]!, 6, null);
    await deliver('AlertEscalated', SEEDED.member, uuid(60), {
      alertId: FAC.criticalEscalated,
      level: 1,
      escalatedTo: null,
      escalatedAt: ago(1.9),
    });
    await deliver('AlertResolved', SEEDED.member, uuid(61), {
      alertId: FAC.resolved,
      resolvedBy: SEEDED.facilitator,
      resolvedAt: ago(5.5),
    });
    // A medicine started and a session attended between the measures: marked on the chart's time axis.
    await deliver('MedicationChanged', SEEDED.member, uuid(70), {
      medicationId: 'med-1',
      change: 'started',
      rxnormIngredient: '36437',
      classes: ['ssri'],
      classified: true,
      prescriberId: SEEDED.clinician,
      changedAt: ago(15),
    });
    await deliver('AttendanceRecorded', SEEDED.member, uuid(71), {
      groupId: GROUP,
      sessionId: `${GROUP}-s01`,
      status: 'attended-in-person',
      sessionsAttended: 1,
      recordedAt: ago(14),
    });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 90_000);

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await pool?.end();
    await gateway?.stop();
    await new Promise((resolve) => (services ? services.close(resolve) : resolve(undefined)));
  }, 30_000);

  const contexts: BrowserContext[] = [];
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close().catch(() => undefined)));
  });

  async function signIn(username: string): Promise<Page> {
    const context = await browser!.newContext({ viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(`${base}/`);
    await page.getByLabel('Demo user (development sign-in)').selectOption(username);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#home-body [data-section="needs-attention"] h3').waitFor();
    return page;
  }

  /** The home's (or inbox's) sections in order, the open alerts' ids in order, and the counts. */
  const inbox = (page: Page, root: string) =>
    page.evaluate((selector) => {
      type Found = {
        getAttribute(name: string): string | null;
        textContent: string | null;
        querySelector(selector: string): Found | null;
        querySelectorAll(selector: string): Iterable<Found>;
      };
      const box = (globalThis as unknown as { document: Found }).document.querySelector(selector)!;
      return {
        sections: [...box.querySelectorAll(':scope > section, :scope > h3, :scope > article')].map(
          (node) => node.getAttribute('data-section') ?? node.textContent,
        ),
        open: [...box.querySelectorAll('[data-section="needs-attention"] li.alert-card')].map((card) =>
          card.getAttribute('data-alert-id'),
        ),
        done: [...box.querySelectorAll('[data-section="done"] li.alert-card')].map((card) =>
          card.getAttribute('data-alert-id'),
        ),
        counts: Object.fromEntries(
          [...box.querySelectorAll('.counts li')].map((item) => [
            item.getAttribute('data-state'),
            Number(item.querySelector('strong')!.textContent),
          ]),
        ),
      };
    }, root);

  const scrollsSideways = (page: Page) =>
    page.evaluate(
      (width) =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement
          .scrollWidth > width,
      PHONE.width,
    );

  /** The id of the element that has the keyboard focus. */
  const activeId = (page: Page) =>
    page.evaluate(
      () =>
        (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id,
    );

  it('serves the console as typed ES modules under a build version, cached for good and charged to no rate limit', async () => {
    const page = await (await fetch(`${base}/`)).text();
    const main = /<script type="module" src="(\/ui\/console\/[0-9a-f]{16}\/main\.js)"><\/script>/.exec(page)?.[1];
    expect(main).toBeDefined();
    const answers = await Promise.all(Array.from({ length: 120 }, () => fetch(`${base}${main}`)));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(answers[0]!.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await answers[0]!.text()).toMatch(/^import .* from '\.\/[a-z-]+\.js';$/m);
    expect((await fetch(`${base}/ui/console/0000000000000000/main.js`)).status).toBe(404);
    expect((await fetch(`${base}${main!.replace('main.js', 'nothing.js')}`)).status).toBe(404);
  });

  it('fits the sign-in screen and the programme lead’s cohort report to a 390 px phone', async () => {
    const context = await browser!.newContext({ viewport: PHONE });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(UI_TIMEOUT_MS);
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('Demo user (development sign-in)').selectOption('lead');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#home-heading', { hasText: 'Programme overview' }).waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${base}/#/cohort`);
    await page.locator('#cohort-body table').first().waitFor();
    // The published figures beside the cells, their source named; PHQ-9's beside this cohort's own change
    // (mean 14.2 to 10.5: −26%).
    const references = page.getByRole('table', { name: /Published reference figures/ });
    await expect(references.locator('caption').innerText()).resolves.toContain('DOMAIN.md');
    const rows = await references
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => (tr as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim()),
      );
    expect(rows).toEqual([
      'Quality of life +23% cancer support groups –',
      'Depressive symptoms −40% cancer support groups −26% (mean, all members)',
      'Opioid use −28% chronic pain groups –',
      'Caregiver burden −35% caregiver groups –',
    ]);
    expect(await scrollsSideways(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-cohort-390.png'), fullPage: true });
  }, 30_000);

  it('opens a facilitator on their open alerts, most severe then soonest due, with counts; an acknowledged one moves to Done, who and when shown', async () => {
    const page = await signIn('facilitator');
    const home = await inbox(page, '#home-body');
    expect(home.sections[0]).toBe('needs-attention');
    expect(home.sections[1]).toBe('done');
    expect(home.open).toEqual([FAC.criticalEscalated, FAC.criticalLate, FAC.warning, FAC.info]);
    expect(home.done).toEqual([FAC.resolved]);
    expect(home.counts).toEqual({ new: 3, escalated: 1, acknowledged: 0, resolved: 1 });
    expect(await page.locator(`[data-alert-id="${FAC.resolved}"]`).textContent()).toContain(
      `Resolved by ${NAMES.facilitator}`,
    );
    // Names, not ids: the member on every card and in the roster, whoever acted.
    expect(await page.locator(`[data-alert-id="${FAC.info}"] .meta a`).textContent()).toBe(NAMES.member);
    expect(await page.locator('#home-body table th[scope="row"] a').allTextContents()).toEqual([NAMES.member]);
    expect(await page.textContent('#home-body')).not.toContain(SEEDED.member);
    expect(await page.textContent('body')).not.toContain('sertraline'); // the clinicians' copies never reach a facilitator
    expect(await scrollsSideways(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-facilitator-home-390.png'), fullPage: true });

    await page
      .locator(`[data-alert-id="${FAC.warning}"]`)
      .getByRole('button', { name: 'Acknowledge', exact: true })
      .click();
    const acknowledged = page.locator(`[data-section="done"] [data-alert-id="${FAC.warning}"]`);
    await acknowledged.filter({ hasText: `Acknowledged by ${NAMES.facilitator}` }).waitFor();
    const after = await inbox(page, '#home-body');
    expect(after.open).toEqual([FAC.criticalEscalated, FAC.criticalLate, FAC.info]);
    expect(after.done).toEqual([FAC.warning, FAC.resolved]);
    expect(after.counts).toEqual({ new: 2, escalated: 1, acknowledged: 1, resolved: 1 });

    // The session's attendance sheet names its members too; the id stays in the form's data only.
    await page.goto(`${base}/#/groups/${GROUP}/sessions/${SESSION}`);
    await page.locator('#attendance-members legend').first().waitFor();
    expect(await page.locator('#attendance-members legend').allTextContents()).toEqual([
      `${NAMES.member} (not yet recorded)`,
    ]);
    expect(await page.locator('#session').innerText()).not.toContain(SEEDED.member);
    // By keyboard: the screen opens on its heading; Space chooses a member's attendance.
    expect(await activeId(page)).toBe('session-heading');
    await page.locator('#att-0-attended-online').focus();
    await page.keyboard.press('Space');
    expect(await page.locator('#att-0-attended-online').isChecked()).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-session-390.png'), fullPage: true });

    // Every other screen a facilitator uses fits the phone too.
    for (const [route, ready] of [
      ['#/alerts', '#inbox [data-section="done"]'],
      [`#/groups/${GROUP}/sessions/${SESSION}`, '#attendance-members fieldset'],
      [`#/members/${SEEDED.member}`, '#outcomes svg text.value'],
    ] as const) {
      await page.goto(`${base}/${route}`);
      await page.locator(ready).first().waitFor();
      expect({ route, sideways: await scrollsSideways(page), axe: await axeViolations(page) }).toEqual({
        route,
        sideways: false,
        axe: [],
      });
    }
    expect(await page.locator('#outcomes svg text.value').allTextContents()).toEqual(['14', '11', '8']);
    // The chart: ±5 around the baseline shaded (PHQ-9's meaningful change), the medicine started (its class
    // only) and the session attended marked on the time axis; the item-9 flag in red, without the answer.
    await expect(page.locator('#outcomes svg rect.mcid').count()).resolves.toBe(1);
    await expect(page.locator('#outcomes figure').first().locator('.legend').innerText()).resolves.toContain(
      '±5 from baseline: no meaningful change',
    );
    await expect(page.locator('#outcomes svg g.mark-medication title').textContent()).resolves.toMatch(
      /: Antidepressant \(SSRI\) started$/,
    );
    await expect(page.locator('#outcomes svg g.mark-session').count()).resolves.toBe(1);
    const flag = page.locator('#member-flag');
    await expect(flag.isVisible()).resolves.toBe(true);
    expect(await flag.textContent()).toMatch(
      /^Safety flag: the latest PHQ-9 \(.+\) answered item 9, thoughts of self-harm, above zero\.$/,
    );
    expect(await page.locator('main').innerText()).not.toMatch(/sertraline|Item 9/);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.locator(`#member-alerts [data-alert-id="${FAC.warning}"]`).textContent()).toContain(
      `Acknowledged by ${NAMES.facilitator}`,
    );
    // The member page is headed by the name; a facilitator gets no medications (the page never asks).
    expect(await page.textContent('#member-heading')).toBe(NAMES.member);
    expect(await page.locator('#member-medications').count()).toBe(0);
    expect(await page.textContent('body')).not.toMatch(/sertraline|Dose change discussed/);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-member-390.png'), fullPage: true });
    await page
      .locator('#outcomes figure')
      .first()
      .screenshot({ path: join(SCREENSHOTS, 'console-member-chart-390.png') });
  }, 45_000);

  it('opens a clinician on the alerts addressed to them; an override moves to Done with who, when and that a reason was given', async () => {
    const page = await signIn('clinician');
    const home = await inbox(page, '#home-body');
    expect(home.sections.slice(0, 2)).toEqual(['needs-attention', 'done']);
    expect(home.open).toEqual([CLIN.critical, CLIN.info]);
    // PHQ-9 item 9 above zero: a red flag on its row.
    await expect(page.locator(`[data-alert-id="${CLIN.info}"] .flag`).textContent()).resolves.toBe(
      'PHQ-9 item 9, thoughts of self-harm, answered above zero',
    );
    await expect(page.locator(`[data-alert-id="${CLIN.critical}"] .flag`).count()).resolves.toBe(0);
    expect(home.counts).toEqual({ new: 2, escalated: 0, acknowledged: 0, resolved: 0 });
    expect(await scrollsSideways(page)).toBe(false);

    const card = page.locator(`[data-alert-id="${CLIN.critical}"]`);
    await card.getByLabel('Reason for an override').fill('Dose change discussed with the member today');
    await card.getByRole('button', { name: 'Override with reason' }).click();
    await page
      .locator(`[data-section="done"] [data-alert-id="${CLIN.critical}"]`)
      .filter({ hasText: `Overridden by ${NAMES.clinician}` })
      .filter({ hasText: 'override reason recorded' })
      .filter({ hasText: 'Reason: Dose change discussed with the member today' })
      .waitFor();
    expect((await inbox(page, '#home-body')).counts).toEqual({ new: 1, escalated: 0, acknowledged: 1, resolved: 0 });
    expect(await scrollsSideways(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-clinician-home-390.png'), fullPage: true });

    // By keyboard alone: a member link opens the member's page with focus on its heading; the timeline's
    // filters toggle with Space; the page still fits the phone and axe finds nothing.
    await page.getByRole('list', { name: 'My care-team members' }).getByRole('link').first().focus();
    await page.keyboard.press('Enter');
    await page.locator('#timeline li[data-kind="treatment"]').first().waitFor();
    expect(await activeId(page)).toBe('member-heading');
    await expect(page.locator('#timeline li[data-kind="treatment"]').first().innerText()).resolves.toContain(
      'Sertraline, antidepressant (SSRI), started by',
    );
    await page.locator('#kind-treatment').focus();
    await page.keyboard.press('Space');
    await expect(page.locator('#timeline li[data-kind="treatment"]').count()).resolves.toBe(0);
    await page.keyboard.press('Space');
    await page.locator('#timeline li[data-kind="treatment"]').first().waitFor();
    await page.locator('#member-flag').waitFor();
    expect(await scrollsSideways(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-member-clinician-390.png'), fullPage: true });
    // The member page: named, with the medication list (drug, dose, start, class, prescriber by name).
    await page.goto(`${base}/#/members/${SEEDED.member}`);
    const medication = page.locator(`#member-medications [data-medication-id="${SERTRALINE.medicationId}"]`);
    await medication.waitFor();
    expect(await page.textContent('#member-heading')).toBe(NAMES.member);
    expect(await medication.locator('h4').textContent()).toBe('sertraline · 50 mg daily (oral)');
    expect(await medication.locator('.meta').textContent()).toMatch(
      new RegExp(`^Class: SSRI · started .+ · prescribed by ${NAMES.clinician}$`),
    );
    expect(await scrollsSideways(page)).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'console-clinician-member-390.png'), fullPage: true });
  }, 45_000);
});
