import { Controller, Get, Module, NotFoundException, Param, Post, type INestApplication } from '@nestjs/common';
import { generateKeyPair } from 'jose';
import { Client } from 'pg';
import { runMigrations } from '@carecircle/platform/event-store';
import { captureLogLines, createLogger } from '@carecircle/platform/observability';
import { createTestDatabase, waitFor, type TestDatabase } from '@carecircle/platform/testing';
import { Access, CurrentAccess, type RequestAccess } from '../access/access.decorator';
import { accessMigrations } from '../access/access-migrations';
import { AccessModule } from '../access/access.module';
import { bootstrapService } from '../bootstrap/bootstrap-service';
import { HealthModule } from '../health/health.module';
import { PersistenceModule } from '../wiring/persistence.module';
import { CurrentCaller, Public, type Caller } from './caller';
import { startLocalTokenIssuer, type LocalTokenIssuer } from './local-token-issuer';

const ALERTS: Record<string, string> = { 'alert-1': 'mbr_synthetic_0001' };

@Controller()
class ThingsController {
  @Get('things')
  @Access('cohort.read', 'service')
  things(@CurrentCaller() caller: Caller | undefined) {
    return { caller: caller ?? null };
  }

  @Get('members/:memberId/alerts')
  @Access('member.alerts.read', { member: 'memberId' })
  alerts(@Param('memberId') memberId: string, @CurrentAccess() access: RequestAccess | undefined) {
    return { memberId, view: access?.decision.effect ?? 'unchecked' };
  }

  @Get('members/:memberId/letters/:letterId')
  @Access('member.alerts.read', { member: 'memberId' })
  letter(@Param('memberId') memberId: string, @Param('letterId') letterId: string) {
    if (letterId === 'boom') throw new Error('a handler failure');
    throw new NotFoundException('No such letter');
  }

  @Post('alerts/:alertId/acknowledgement')
  @Access('alert.act', { member: 'alertId', via: 'alert' })
  acknowledge(@Param('alertId') alertId: string) {
    return { acknowledged: alertId };
  }

  @Get('undeclared')
  undeclared() {
    return { secret: true };
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }

  @Get('cds-services')
  discovery() {
    return { services: [] };
  }
}

const AUDIENCE = 'carecircle-auth-test';

describe('service token guard: tokens for this service only, then the access policy on every route', () => {
  const saved = { ...process.env };
  const logs = captureLogLines();
  let db: TestDatabase;
  let issuer: LocalTokenIssuer;
  let other: LocalTokenIssuer;
  let app: INestApplication | undefined;
  let open: INestApplication | undefined;
  let url: string;
  let openUrl: string;
  let sql: Client;

  const moduleFor = () => {
    @Module({
      imports: [
        PersistenceModule.forRoot(),
        AccessModule.forRoot({ service: 'auth-test', lookups: () => ({ alert: async (id) => ALERTS[id] }) }),
        HealthModule.forRoot(),
      ],
      controllers: [ThingsController],
    })
    class ThingsModule {}
    return ThingsModule;
  };

  const start = (env: Record<string, string | undefined>) => {
    process.env = { ...saved, DATABASE_URL: db.url, KAFKA_BROKERS: '127.0.0.1:9', ...env };
    return bootstrapService({
      name: 'auth-test',
      rootModule: moduleFor(),
      port: 0,
      logger: createLogger('auth-test', { destination: logs.stream, level: 'info' }),
    });
  };

  beforeAll(async () => {
    [issuer, other, db] = await Promise.all([
      startLocalTokenIssuer(),
      startLocalTokenIssuer(),
      createTestDatabase('service_guard'),
    ]);
    await runMigrations(db.url, accessMigrations);
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    // The relationships the projector would have taken from the bus: mbr_0001's care team and group.
    await sql.query(`INSERT INTO access.care_team (member_id, clinician_id, role, active_until) VALUES ('mbr_synthetic_0001', 'clin_psy_01', 'attending-psychiatrist', NULL),
      ('mbr_synthetic_0001', 'clin_ended_01', 'physician', now() - interval '1 minute')`);
    await sql.query(`INSERT INTO access.group_facilitator VALUES ('grp_1', '{fac_01}')`);
    await sql.query(`INSERT INTO access.group_member VALUES ('grp_1', 'mbr_synthetic_0001')`);
    app = await start({
      AUTH_TRUSTED_ISSUERS: JSON.stringify([{ issuer: issuer.issuer, jwksUri: issuer.jwksUri }]),
      AUTH_REQUIRED: 'true',
    });
    url = await app.getUrl();
    open = await start({ AUTH_TRUSTED_ISSUERS: undefined, AUTH_REQUIRED: undefined });
    openUrl = await open.getUrl();
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all([app?.close(), open?.close()]);
    await sql?.end();
    await Promise.all([issuer?.stop(), other?.stop(), db?.drop()]);
  });

  const get = (path: string, token?: string, base = url) =>
    fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const as = (sub: string, role: string) => issuer.sign(sub, { carecircle_role: role }, { audience: AUDIENCE });

  it('lets a token for this service through and hands the handler the verified caller', async () => {
    const response = await get('/things', await as('lead_01', 'programme-lead'));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      caller: { sub: 'lead_01', issuer: issuer.issuer, role: 'programme-lead' },
    });
  });

  it.each<[string, () => Promise<string | undefined>, string]>([
    ['missing', async () => undefined, 'A bearer token is required'],
    ['not a JWT', async () => 'not-a-jwt', 'The bearer token is not a JWT'],
    [
      'expired',
      () => issuer.sign('lead_01', { carecircle_role: 'programme-lead' }, { audience: AUDIENCE, expiresIn: -60 }),
      'The bearer token has expired',
    ],
    [
      'from an untrusted issuer',
      () => other.sign('lead_01', {}, { audience: AUDIENCE }),
      'The bearer token is not from a trusted issuer',
    ],
    [
      'for another service',
      () => issuer.sign('lead_01', { carecircle_role: 'programme-lead' }, { audience: 'carecircle-outcomes' }),
      'The bearer token is not meant for this service',
    ],
    [
      'for the gateway (a person’s sign-in token)',
      () => issuer.sign('lead_01', { carecircle_role: 'programme-lead' }, { audience: 'carecircle-gateway' }),
      'The bearer token is not meant for this service',
    ],
    [
      'signed with another key (claiming the trusted issuer)',
      async () => other.sign('fac_1', {}, { audience: AUDIENCE, issuer: issuer.issuer }),
      'The bearer token is not valid',
    ],
    [
      'signed with a key of no one',
      async () => issuer.sign('fac_1', {}, { audience: AUDIENCE, key: (await generateKeyPair('ES256')).privateKey }),
      'The bearer token is not valid',
    ],
  ])('answers 401 to a token %s, naming why and never echoing the token', async (_case, token, message) => {
    const presented = await token();
    const response = await get('/things', presented);
    const body = await response.text();
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    expect(JSON.parse(body)).toEqual({ statusCode: 401, error: 'Unauthorized', message });
    if (presented) expect(body).not.toContain(presented);
    expect(JSON.stringify(logs.lines)).not.toContain(presented ?? 'no token presented');
  });

  it('decides per member from the service’s own relationships: care team now, the facilitator’s copy, nobody else', async () => {
    const read = async (sub: string, role: string, member = 'mbr_synthetic_0001') => {
      const response = await get(`/members/${member}/alerts`, await as(sub, role));
      return { status: response.status, body: await response.json() };
    };
    expect(await read('clin_psy_01', 'clinician')).toEqual({
      status: 200,
      body: { memberId: 'mbr_synthetic_0001', view: 'allow' },
    });
    expect(await read('fac_01', 'facilitator')).toEqual({
      status: 200,
      body: { memberId: 'mbr_synthetic_0001', view: 'allow-redacted' },
    });
    expect(await read('clin_ended_01', 'clinician')).toMatchObject({
      status: 403,
      body: { message: 'Only the member’s care team may do this' },
    });
    expect(await read('clin_other_01', 'clinician')).toMatchObject({ status: 403 });
    expect(await read('fac_02', 'facilitator')).toMatchObject({ status: 403 });
    expect(await read('lead_01', 'programme-lead')).toMatchObject({ status: 403 });
    expect(await read('adm_01', 'admin')).toMatchObject({ status: 403 });
    expect(await read('clin_psy_01', 'clinician', 'mbr_synthetic_0002')).toMatchObject({ status: 403 });
    const narrow = await get(
      '/members/mbr_synthetic_0001/alerts',
      await issuer.sign('ehr', { scope: 'system/Patient.rs' }, { audience: AUDIENCE }),
    );
    expect(narrow.status).toBe(403);
    const scoped = await get(
      '/members/mbr_synthetic_0001/alerts',
      await issuer.sign('ehr', { scope: 'system/Communication.rs' }, { audience: AUDIENCE }),
    );
    expect(scoped.status).toBe(200);
  });

  it('finds the member behind another id through the service’s lookup (unknown ids relate to nobody)', async () => {
    const post = async (alertId: string, sub: string) =>
      (
        await fetch(`${url}/alerts/${alertId}/acknowledgement`, {
          method: 'POST',
          headers: { authorization: `Bearer ${await as(sub, 'clinician')}` },
        })
      ).status;
    expect(await post('alert-1', 'clin_psy_01')).toBe(201);
    expect(await post('alert-1', 'clin_other_01')).toBe(403);
    expect(await post('alert-unknown', 'clin_psy_01')).toBe(403);
  });

  it('closes a route that declares no action, to everyone', async () => {
    expect((await get('/undeclared', await as('adm_01', 'admin'))).status).toBe(403);
    expect(
      (await get('/undeclared', await issuer.sign('ehr', { scope: 'system/*.cruds' }, { audience: AUDIENCE }))).status,
    ).toBe(403);
  });

  it('audits every decision, refusals in one row per agent, action, route and minute with a count', async () => {
    const token = await as('clin_flood_01', 'clinician');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => get(`/members/mbr_synthetic_${String(i).padStart(4, '0')}/alerts`, token)),
    );
    const { rows } = await sql.query<{ count: number; outcome: string; member_ids: string[] }>(
      `SELECT count, outcome, member_ids FROM access.audit_record WHERE agent = 'clin_flood_01'`,
    );
    expect(rows.length).toBeLessThanOrEqual(2); // a minute boundary may split the burst
    expect(rows.reduce((total, row) => total + row.count, 0)).toBe(40);
    expect(rows.every((row) => row.outcome === 'denied' && row.member_ids.length > 0)).toBe(true);
    const allowed = await sql.query(
      `SELECT 1 FROM access.audit_record WHERE agent = 'clin_psy_01' AND outcome = 'allowed' AND member_ids = '{mbr_synthetic_0001}'`,
    );
    expect(allowed.rowCount).toBeGreaterThan(0);
  });

  it('audits an allowed access with what the handler answered when it refused or failed (4xx, 5xx), with the member named', async () => {
    const token = await as('clin_psy_01', 'clinician');
    expect((await get('/members/mbr_synthetic_0001/letters/letter-1', token)).status).toBe(404);
    expect((await get('/members/mbr_synthetic_0001/letters/boom', token)).status).toBe(500);
    const answered = async () => {
      const { rows } = await sql.query<{ outcome: string; reason: string | null; member_ids: string[] }>(
        `SELECT outcome, reason, member_ids FROM access.audit_record WHERE agent = 'clin_psy_01' AND route = 'GET /members/:memberId/letters/:letterId' ORDER BY id`,
      );
      return rows.every((row) => row.reason) && rows.length === 2 ? rows : undefined;
    };
    const rows = await waitFor(answered, {
      timeoutMs: 10_000,
      intervalMs: 50,
      description: 'the answers of the allowed letter reads on their audit rows',
    });
    expect(rows).toEqual([
      { outcome: 'allowed', reason: 'answered-404', member_ids: ['mbr_synthetic_0001'] },
      { outcome: 'allowed', reason: 'answered-500', member_ids: ['mbr_synthetic_0001'] },
    ]);
    // A success keeps its row as it was.
    expect((await get('/members/mbr_synthetic_0001/alerts', token)).status).toBe(200);
    const { rows: succeeded } = await sql.query(
      `SELECT reason FROM access.audit_record WHERE agent = 'clin_psy_01' AND route = 'GET /members/:memberId/alerts' AND outcome = 'allowed' AND reason IS NOT NULL`,
    );
    expect(succeeded).toEqual([]);
  });

  it('leaves health, CDS Hooks discovery and @Public() routes open', async () => {
    expect((await get('/health')).status).toBe(200);
    expect((await get('/health/live')).status).toBe(200);
    expect((await get('/cds-services')).status).toBe(200);
    expect((await get('/open')).status).toBe(200);
  });

  it('is off, and says so loudly, when AUTH_TRUSTED_ISSUERS is unset', async () => {
    const response = await get('/things', undefined, openUrl);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ caller: null });
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', msg: expect.stringContaining('AUTH_TRUSTED_ISSUERS is not set') }),
    );
  });

  it.each([
    [{ AUTH_REQUIRED: 'true' }, 'AUTH_TRUSTED_ISSUERS is required when AUTH_REQUIRED is true'],
    [
      { AUTH_TRUSTED_ISSUERS: '[{"issuer":"x"}]' },
      'AUTH_TRUSTED_ISSUERS must be a JSON array of {issuer, jwksUri} with URLs',
    ],
  ])('refuses to start with %j', async (env, message) => {
    await expect(start(env)).rejects.toThrow(message);
  });
});
