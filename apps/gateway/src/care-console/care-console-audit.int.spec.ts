import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'pg';
import { startLocalTokenIssuer, type LocalTokenIssuer } from '@carecircle/platform/service-kit';
import { SEEDED, seedMemberAccess } from '../auth/testing/seed-member-access';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';

/**
 * The care console's writes, audited with their true outcome, and the facilitator's acute-distress
 * report forwarded to clinician-liaison. Real PostgreSQL and HTTP; the services behind the gateway are
 * one stand-in HTTP server that records what it was asked and answers as told.
 */
const HUMAN_AUDIENCE = 'carecircle-gateway';
const SESSION = `${SEEDED.group}-s02`;

interface Received {
  method: string;
  path: string;
  authorization: string;
  clinicianId: string;
  body: unknown;
}

describe('care console: writes audited with their outcome, and acute distress reported to liaison (real PostgreSQL, HTTP)', () => {
  let gateway: GatewayHarness | undefined;
  let issuer: LocalTokenIssuer | undefined;
  let services: Server | undefined;
  let pool: Pool | undefined;
  const received: Received[] = [];
  /** What the stand-in answers to writes (POST/PUT), by path prefix: status and body. */
  const writeAnswers = new Map<string, { status: number; body: unknown }>();

  const readBody = (req: IncomingMessage) =>
    new Promise<unknown>((resolve) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      req.on('end', () => resolve(text ? (JSON.parse(text) as unknown) : undefined));
    });

  beforeAll(async () => {
    services = createServer((req, res) => {
      void readBody(req).then((body) => {
        const path = req.url?.split('?')[0] ?? '';
        received.push({
          method: req.method ?? '',
          path,
          authorization: req.headers.authorization ?? 'none',
          clinicianId: String(req.headers['x-clinician-id'] ?? ''),
          body,
        });
        const group = /^\/api\/scheduling\/groups\/([^/]+)/.exec(path)?.[1] ?? '';
        const told =
          req.method !== 'GET'
            ? [...writeAnswers.entries()].find(([prefix]) => path.startsWith(prefix))?.[1]
            : undefined;
        const answer =
          told ??
          (path.endsWith('/roster')
            ? { status: 200, body: { groupId: group, members: [{ memberId: SEEDED.member, status: 'enrolled' }] } }
            : /^\/api\/liaison\/alerts\/[^/]+$/.test(path)
              ? {
                  status: 200,
                  body: {
                    alertId: path.split('/').pop(),
                    memberId: SEEDED.member,
                    rule: 'suicidal-ideation',
                    severity: 'critical',
                    status: 'raised',
                    recipientRole: 'attending-psychiatrist',
                    recipientId: SEEDED.clinician,
                    summary: 'Suicidal ideation',
                    detail: '',
                    escalationLevel: 0,
                    raisedAt: '2026-03-10T09:00:00.000Z',
                  },
                }
              : path.endsWith('/calendar')
                ? {
                    status: 200,
                    body: {
                      group: { groupId: group },
                      sessions: [
                        {
                          sessionId: SESSION,
                          startsAt: '2026-03-24T17:00:00.000Z',
                          endsAt: '2026-03-24T18:30:00.000Z',
                          status: 'held',
                          attendance: [],
                        },
                      ],
                    },
                  }
                : { status: req.method === 'POST' ? 201 : 200, body: {} });
        res.statusCode = answer.status;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify(answer.body));
      });
    });
    const standIn = services;
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    issuer = await startLocalTokenIssuer();
    const upstream = `http://127.0.0.1:${(standIn.address() as AddressInfo).port}`;
    gateway = await startGatewayHarness({
      database: 'gateway_console_audit',
      clients: [{ clientId: 'ehr', scope: 'system/*.cruds' }],
      env: {
        GATEWAY_OIDC_ISSUER: issuer.issuer,
        GATEWAY_OIDC_JWKS_URL: issuer.jwksUri,
        GATEWAY_OIDC_AUDIENCE: HUMAN_AUDIENCE,
        ...Object.fromEntries(
          ['CLINICIAN_LIAISON_URL', 'SCHEDULING_URL', 'OUTCOMES_URL', 'ENROLLMENT_URL'].map((name) => [name, upstream]),
        ),
        GATEWAY_RATE_LIMIT_BURST: '10000',
      },
    });
    await seedMemberAccess(gateway.db.url);
    pool = new Pool({ connectionString: gateway.db.url, max: 2 });
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await gateway?.stop();
    await issuer?.stop();
    await new Promise((resolve) => (services ? services.close(resolve) : resolve(undefined)));
  }, 30_000);

  beforeEach(() => {
    received.length = 0;
    writeAnswers.clear();
  });

  const person = (sub: string, role: string) =>
    issuer
      ? issuer.sign(sub, { carecircle_role: role }, { audience: HUMAN_AUDIENCE })
      : Promise.reject(new Error('no issuer: beforeAll failed'));
  const call = async (method: 'POST' | 'PUT', path: string, body: unknown, token?: string) => {
    const response = await fetch(`${gateway!.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  /** The newest audit rows of this agent and operation, oldest of them first. */
  const lastAudits = async (agent: string, operation: string, count: number) =>
    (
      await pool!.query<{ action: string; outcome: string; resource_types: string[]; member_ids: string[] }>(
        `SELECT action, outcome, resource_types, member_ids FROM gateway.audit_event WHERE agent = $1 AND operation = $2 ORDER BY seq DESC LIMIT $3`,
        [agent, operation, count],
      )
    ).rows.reverse();
  /** The newest audit row of this agent and operation. */
  const lastAudit = async (agent: string, operation: string) => (await lastAudits(agent, operation, 1))[0];

  describe('attendance', () => {
    const path = `/api/care-console/groups/${SEEDED.group}/sessions/${SESSION}/attendance`;
    const operation = 'PUT /api/care-console/groups/:groupId/sessions/:sessionId/attendance';
    const entries = { entries: [{ memberId: SEEDED.member, status: 'attended-in-person' }] };

    it('refused by scheduling (422): answered 422 and audited as a failure naming the member, not as a success', async () => {
      writeAnswers.set('/api/scheduling/', { status: 422, body: { message: 'The session has not been held yet' } });
      const answer = await call('PUT', path, entries, await person(SEEDED.facilitator, 'facilitator'));
      expect(answer.status).toBe(422);
      expect(JSON.stringify(answer.body)).toContain('not been held');
      expect(await lastAudit(SEEDED.facilitator, operation)).toEqual({
        action: 'U',
        outcome: '4',
        resource_types: ['Attendance'],
        member_ids: [SEEDED.member],
      });
    });

    it('an entry the console refuses itself (422) is a failure too; scheduling is not asked to write', async () => {
      const answer = await call(
        'PUT',
        path,
        { entries: [{ memberId: SEEDED.member, status: 'teleported' }] },
        await person(SEEDED.facilitator, 'facilitator'),
      );
      expect(answer.status).toBe(422);
      expect(received.filter((r) => r.method !== 'GET')).toEqual([]);
      expect((await lastAudit(SEEDED.facilitator, operation))?.outcome).toBe('4');
    });

    it('scheduling unavailable (5xx): 502 and audited as a serious failure', async () => {
      writeAnswers.set('/api/scheduling/', { status: 503, body: {} });
      expect((await call('PUT', path, entries, await person(SEEDED.facilitator, 'facilitator'))).status).toBe(502);
      expect((await lastAudit(SEEDED.facilitator, operation))?.outcome).toBe('8');
    });

    it('recorded: audited as a success with the sheet’s members', async () => {
      const answer = await call('PUT', path, entries, await person(SEEDED.facilitator, 'facilitator'));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ saved: 1 });
      expect(received.filter((r) => r.method === 'POST').map((r) => r.body)).toEqual([
        { memberId: SEEDED.member, status: 'attended-in-person' },
      ]);
      expect(await lastAudits(SEEDED.facilitator, operation, 2)).toEqual([
        { action: 'U', outcome: '0', resource_types: ['Attendance'], member_ids: [SEEDED.member] },
        // The sheet answered names its member for the facilitator: opening that name is audited too.
        { action: 'R', outcome: '0', resource_types: ['Patient'], member_ids: [SEEDED.member] },
      ]);
    });
  });

  describe('acute distress reported from the console', () => {
    const path = `/api/care-console/members/${SEEDED.member}/distress-reports`;
    const operation = 'POST /api/care-console/members/:memberId/distress-reports';
    const liaisonPath = `/api/liaison/members/${SEEDED.member}/distress-reports`;
    const reportId = '3c9e2a11-4b5d-4e6f-8a7b-9c0d1e2f3a4b';

    it('by the member’s facilitator: forwarded to clinician-liaison with its own short-lived token, audited with the member (the note is not)', async () => {
      const report = {
        reportId,
        groupId: SEEDED.group,
        sessionId: SESSION,
        observedAt: new Date(Date.now() - 60_000).toISOString(),
        note: 'Synthetic note: left the room shaking',
      };
      const answer = await call('POST', path, report, await person(SEEDED.facilitator, 'facilitator'));
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ memberId: SEEDED.member, reportId });
      const forwarded = received.filter((r) => r.path === liaisonPath);
      expect(forwarded).toHaveLength(1);
      expect(forwarded[0]).toMatchObject({
        method: 'POST',
        clinicianId: SEEDED.facilitator,
        body: { ...report, observedAt: new Date(report.observedAt).toISOString() },
      });
      expect(forwarded[0]!.authorization).toMatch(/^Bearer /);
      expect(await lastAudit(SEEDED.facilitator, operation)).toEqual({
        action: 'C',
        outcome: '0',
        resource_types: ['Flag'],
        member_ids: [SEEDED.member],
      });
      const audit = await pool!.query(`SELECT * FROM gateway.audit_event WHERE operation = $1`, [operation]);
      expect(JSON.stringify(audit.rows)).not.toContain('shaking');
    });

    it('without a report id or time: the gateway names the report and dates it now', async () => {
      const before = Date.now();
      const answer = await call(
        'POST',
        path,
        { groupId: SEEDED.group },
        await person(SEEDED.facilitator, 'facilitator'),
      );
      expect(answer.status).toBe(201);
      const body = received.find((r) => r.path === liaisonPath)?.body as {
        reportId: string;
        observedAt: string;
        groupId: string;
      };
      expect(body.reportId).toMatch(/^[0-9a-f-]{36}$/);
      expect(Date.parse(body.observedAt)).toBeGreaterThanOrEqual(before - 1000);
      expect(body).toEqual({ reportId: body.reportId, groupId: SEEDED.group, observedAt: body.observedAt });
    });

    it('by a facilitator of another group, a programme lead or nobody: refused and audited with the member; liaison never asked', async () => {
      expect(
        (await call('POST', path, { groupId: SEEDED.group }, await person(SEEDED.otherFacilitator, 'facilitator')))
          .status,
      ).toBe(403);
      expect(await lastAudit(SEEDED.otherFacilitator, operation)).toEqual({
        action: 'C',
        outcome: '4',
        resource_types: ['Flag'],
        member_ids: [SEEDED.member],
      });
      expect(
        (await call('POST', path, { groupId: SEEDED.group }, await person(SEEDED.lead, 'programme-lead'))).status,
      ).toBe(403);
      expect((await call('POST', path, { groupId: SEEDED.group })).status).toBe(401);
      expect(received.filter((r) => r.path === liaisonPath)).toEqual([]);
    });

    it('a bad report is a 422 naming what is wrong, a refusal by liaison keeps its 4xx: both audited as failures', async () => {
      const bad = await call(
        'POST',
        path,
        { groupId: SEEDED.group, observedAt: 'last tuesday' },
        await person(SEEDED.facilitator, 'facilitator'),
      );
      expect(bad.status).toBe(422);
      expect(JSON.stringify(bad.body)).toContain('observedAt');
      expect(received.filter((r) => r.path === liaisonPath)).toEqual([]);
      expect((await lastAudit(SEEDED.facilitator, operation))?.outcome).toBe('4');
      writeAnswers.set(liaisonPath, { status: 409, body: { message: 'The member is not in this group' } });
      const refused = await call(
        'POST',
        path,
        { groupId: 'grp_other_thursday' },
        await person(SEEDED.facilitator, 'facilitator'),
      );
      expect(refused.status).toBe(409);
      expect((await lastAudit(SEEDED.facilitator, operation))?.outcome).toBe('4');
      expect(
        (
          await call(
            'POST',
            '/api/care-console/members/not-a-member/distress-reports',
            { groupId: SEEDED.group },
            await person(SEEDED.facilitator, 'facilitator'),
          )
        ).status,
      ).toBe(400);
    });
  });
  describe('alert acknowledgement', () => {
    const alertId = '5b0e8d9c-3c61-4f0a-9d5e-7a1b2c3d4e01';
    const path = `/api/care-console/alerts/${alertId}/acknowledgement`;
    const operation = 'POST /api/care-console/alerts/:alertId/acknowledgement';

    it('refused by liaison (409): the 409 is passed on and audited as a failure with the member; accepted: a success', async () => {
      writeAnswers.set(`/api/liaison/alerts/${alertId}/acknowledgement`, {
        status: 409,
        body: { message: 'The alert is already resolved' },
      });
      expect(
        (await call('POST', path, { outcome: 'accepted' }, await person(SEEDED.clinician, 'clinician'))).status,
      ).toBe(409);
      expect(await lastAudit(SEEDED.clinician, operation)).toEqual({
        action: 'U',
        outcome: '4',
        resource_types: ['Communication'],
        member_ids: [SEEDED.member],
      });
      writeAnswers.clear();
      expect(
        (await call('POST', path, { outcome: 'overridden', reason: ' ' }, await person(SEEDED.clinician, 'clinician')))
          .status,
      ).toBe(422);
      expect((await lastAudit(SEEDED.clinician, operation))?.outcome).toBe('4');
      expect(
        (await call('POST', path, { outcome: 'accepted' }, await person(SEEDED.clinician, 'clinician'))).status,
      ).toBe(200);
      expect(await lastAudit(SEEDED.clinician, operation)).toEqual({
        action: 'U',
        outcome: '0',
        resource_types: ['Communication'],
        member_ids: [SEEDED.member],
      });
      // The facilitator may not act on the psychiatrist's copy: refused before liaison is asked to change anything.
      received.length = 0;
      expect(
        (await call('POST', path, { outcome: 'accepted' }, await person(SEEDED.facilitator, 'facilitator'))).status,
      ).toBe(403);
      expect(received.filter((r) => r.method === 'POST')).toEqual([]);
      expect((await lastAudit(SEEDED.facilitator, operation))?.outcome).toBe('4');
    });
  });
});
