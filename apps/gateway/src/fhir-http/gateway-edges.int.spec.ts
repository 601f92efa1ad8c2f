import { request as httpRequest } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { Pool } from 'pg';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness';

/**
 * The gateway's edges over real HTTP and PostgreSQL: rate limits per address and per principal, denials
 * counted in the audit, the live stream ending with its token, links from the configured public URL,
 * the token endpoint's form check.
 */
const MEMBER = 'mbr_edges_0001';
const FLOOD_ADDRESS = '203.0.113.7';

interface AuditEventView {
  outcome: string;
  outcomeDesc: string;
  extension?: { url: string; valueInteger: number }[];
  agent: { who: { identifier: { value: string } } }[];
  entity?: { what: { identifier?: { value: string } } }[];
}

describe('gateway edges (real PostgreSQL, Kafka, HTTP)', () => {
  let gateway: GatewayHarness;
  let base: string;
  let pool: Pool;
  let signingKey: CryptoKey;
  const tokens = new Map<string, string>();

  /** One token per client and scope for the whole file: token requests are anonymous, so they count against 127.0.0.1. */
  const tokenOf = async (clientId: string, scope: string) => {
    const key = `${clientId} ${scope}`;
    if (!tokens.has(key)) tokens.set(key, await gateway.accessToken(clientId, scope));
    return tokens.get(key)!;
  };
  const auditEvents = async () => {
    const response = await fetch(`${base}/admin/audit-events?_count=1000`, {
      headers: { authorization: `Bearer ${await tokenOf('auditor', 'system/AuditEvent.rs')}` },
    });
    expect(response.status).toBe(200);
    return ((await response.json()) as { entry: { resource: AuditEventView }[] }).entry.map((e) => e.resource);
  };
  const countOf = (event: AuditEventView) =>
    event.extension?.find((e) => e.url.endsWith('/audit-event-count'))?.valueInteger;
  /** A GET with a Host header of our choosing (fetch would not send one). */
  const getWithHost = (path: string, host: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(path, base);
      const req = httpRequest(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { host, ...headers } },
        (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  /** Reads a server-sent event stream to its end (or `boundMs`), with when it ended. */
  const readStream = async (path: string, token: string, boundMs: number) => {
    const started = Date.now();
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(boundMs),
    });
    expect(response.status).toBe(200);
    return { started, text: await response.text(), endedAt: Date.now(), headers: response.headers };
  };

  beforeAll(async () => {
    const pair = await generateKeyPair('ES384', { extractable: true });
    signingKey = pair.privateKey;
    const signingJwk = { ...(await exportJWK(pair.privateKey)), kid: 'edges' };
    gateway = await startGatewayHarness({
      database: 'gateway_edges',
      clients: [
        { clientId: 'auditor', scope: 'system/AuditEvent.rs' },
        { clientId: 'ehr-fast', scope: 'system/*.cruds' },
        { clientId: 'slow', scope: 'system/*.cruds' },
      ],
      env: {
        GATEWAY_DEV_IDP: 'true',
        GATEWAY_SIGNING_KEY: JSON.stringify(signingJwk),
        GATEWAY_TRUST_PROXY: 'loopback',
        GATEWAY_RATE_LIMIT_BURST: '5',
        GATEWAY_RATE_LIMIT_PER_SECOND: '0.2',
        GATEWAY_RATE_LIMITS: JSON.stringify({
          address: { burst: 40, perSecond: 2 },
          principals: {
            'ehr-fast': { burst: 150, perSecond: 100 },
            auditor: { burst: 100, perSecond: 50 },
            clin_synthetic_psy_01: { burst: 50, perSecond: 10 },
          },
        }),
      },
    });
    base = gateway.base;
    pool = new Pool({ connectionString: gateway.db.url, max: 2 });
    await pool.query(
      `INSERT INTO access.care_team (member_id, clinician_id, role, active_until) VALUES ($1, 'clin_synthetic_psy_01', 'attending-psychiatrist', NULL)`,
      [MEMBER],
    );
  }, 90_000);

  afterAll(async () => {
    await pool?.end();
    await gateway?.stop();
  }, 30_000);

  it('counts 500 anonymous refusals (401, then 429 from the address bucket) into a handful of audit rows', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 500; i++) {
      const response = await fetch(`${base}/admin/audit-events`, { headers: { 'x-forwarded-for': FLOOD_ADDRESS } });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await response.arrayBuffer();
    }
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(400); // burst 40, 2/s back
    // Another address (the harness's own, 127.0.0.1) is not held up by the flooding one.
    expect((await gateway.tokenResponse('auditor', 'system/AuditEvent.rs')).status).toBe(200);
    const rows = (await auditEvents()).filter(
      (e) => e.outcomeDesc === 'GET /admin/audit-events' && e.agent[0]!.who.identifier.value === 'anonymous',
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.length).toBeLessThanOrEqual(3); // one per minute
    expect(rows.every((e) => e.outcome === '4')).toBe(true);
    expect(rows.reduce((sum, e) => sum + (countOf(e) ?? 0), 0)).toBe(500);
    const stored = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM gateway.audit_event WHERE agent = 'anonymous' AND operation = 'GET /admin/audit-events'`,
    );
    expect(Number(stored.rows[0]!.n)).toBe(rows.length);
  }, 60_000);

  it('keeps allowed accesses one row each and refuses any other change to the audit table', async () => {
    const before = (await auditEvents()).filter(
      (e) => e.outcome === '0' && e.outcomeDesc === 'GET /admin/audit-events',
    ).length;
    await auditEvents();
    const reads = (await auditEvents()).filter((e) => e.outcome === '0' && e.outcomeDesc === 'GET /admin/audit-events');
    expect(reads.length).toBe(before + 2);
    expect(reads.every((e) => countOf(e) === undefined)).toBe(true);
    await expect(
      pool.query(`UPDATE gateway.audit_event SET agent = 'someone-else' WHERE outcome = '4'`),
    ).rejects.toThrow(/append-only/);
    await expect(pool.query(`UPDATE gateway.audit_event SET count = count + 1 WHERE outcome = '0'`)).rejects.toThrow(
      /append-only/,
    );
    await expect(pool.query(`DELETE FROM gateway.audit_event`)).rejects.toThrow(/append-only/);
  });

  it('limits each client by its own bucket: a configured EHR client gets 100+ requests through, the default one 429 with an OperationOutcome', async () => {
    const fast = await tokenOf('ehr-fast', 'system/*.cruds');
    const slow = await tokenOf('slow', 'system/*.cruds');
    const statuses = await Promise.all(
      Array.from({ length: 120 }, () =>
        fetch(`${base}/fhir/R4/Flag?patient=ehr-nobody&_count=1`, {
          headers: { authorization: `Bearer ${fast}` },
        }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    let throttled: Response | undefined;
    for (let i = 0; i < 10 && !throttled; i++) {
      const response = await fetch(`${base}/fhir/R4/Flag?patient=ehr-nobody&_count=1`, {
        headers: { authorization: `Bearer ${slow}` },
      });
      if (response.status === 429) throttled = response;
      else expect(response.status).toBe(200);
    }
    expect(throttled).toBeDefined();
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await throttled!.json()).toMatchObject({ resourceType: 'OperationOutcome', issue: [{ code: 'throttled' }] });
  });

  it('limits people too, per person, on the timeline API (429 with Retry-After), and counts the refusals with the member named', async () => {
    const signIn = await fetch(`${base}/dev-idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'facilitator' }),
    });
    const { access_token: token } = (await signIn.json()) as { access_token: string };
    let throttled: Response | undefined;
    let requests = 0;
    for (; requests < 10 && !throttled; requests++) {
      const response = await fetch(`${base}/api/members/${MEMBER}/timeline`, {
        headers: { authorization: `Bearer ${token}` },
      });
      if (response.status === 429) throttled = response;
      else expect(response.status).toBe(403); // not in the member's groups
    }
    expect(throttled).toBeDefined();
    expect(Number(throttled!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await throttled!.json()).toMatchObject({ statusCode: 429 });
    const denials = (await auditEvents()).filter(
      (e) =>
        e.agent[0]!.who.identifier.value === 'fac_synthetic_sw_01' && e.outcomeDesc === 'GET /api/members/:id/timeline',
    );
    expect(denials.reduce((sum, e) => sum + (countOf(e) ?? 0), 0)).toBe(requests);
    for (const denial of denials)
      expect(denial.entity?.map((entity) => entity.what.identifier?.value)).toContain(MEMBER);
  });

  it('ends the live stream when its token expires', async () => {
    const now = Math.floor(Date.now() / 1000);
    const shortLived = await new SignJWT({ scope: 'system/Patient.r', client_id: 'reader' })
      .setProtectedHeader({ alg: 'ES384', kid: 'edges' })
      .setIssuer(base)
      .setAudience(base)
      .setSubject('reader')
      .setIssuedAt(now)
      .setExpirationTime(now + 2)
      .sign(signingKey);
    const stream = await readStream(`/api/members/${MEMBER}/timeline/stream`, shortLived, 8_000);
    expect(stream.text).toMatch(/event: end\ndata: \{"reason":"token-expired"\}/);
    expect(stream.endedAt).toBeLessThanOrEqual((now + 2) * 1000 + 1_500);
    expect(stream.headers.get('cache-control')).toMatch(/no-store/);
  }, 15_000);

  it('ends the live stream on sign-out (dev IdP): the signed-out token is refused everywhere', async () => {
    const signIn = await fetch(`${base}/dev-idp/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'clinician' }),
    });
    const { access_token: token } = (await signIn.json()) as { access_token: string };
    // The stream is open once its answer's head is there; then sign out.
    const stream = await fetch(`${base}/api/members/${MEMBER}/timeline/stream`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
    expect(stream.status).toBe(200);
    const logout = await fetch(`${base}/dev-idp/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);
    const signedOutAt = Date.now();
    expect(await stream.text()).toMatch(/event: end\ndata: \{"reason":"token-invalid"\}/);
    expect(Date.now() - signedOutAt).toBeLessThan(5_000); // re-checked every 3 s
    expect(
      (await fetch(`${base}/api/members/${MEMBER}/timeline`, { headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
    expect(
      (await fetch(`${base}/dev-idp/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status,
    ).toBe(401);
  }, 15_000);

  it('writes links from GATEWAY_PUBLIC_URL, never from the Host header', async () => {
    const token = await tokenOf('ehr-fast', 'system/*.cruds');
    for (const [path, headers] of [
      ['/.well-known/smart-configuration', {}],
      ['/fhir/R4/metadata', {}],
      ['/fhir/R4/Flag?patient=ehr-nobody&_count=1', { authorization: `Bearer ${token}` }],
    ] as const) {
      const answer = await getWithHost(path, 'evil.example', {
        'x-forwarded-host': 'evil.example',
        'x-forwarded-proto': 'https',
        ...headers,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).not.toContain('evil.example');
      expect(answer.body).toContain(base);
    }
  });

  it('sends the security headers on API, FHIR and timeline answers, and a CSP without inline script for the console page', async () => {
    const token = await tokenOf('ehr-fast', 'system/*.cruds');
    for (const response of [
      await fetch(`${base}/fhir/R4/Flag?patient=ehr-nobody&_count=1`, {
        headers: { authorization: `Bearer ${token}` },
      }),
      await fetch(`${base}/api/members/${MEMBER}/timeline`),
      await fetch(`${base}/.well-known/smart-configuration`),
    ]) {
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('x-powered-by')).toBeNull();
    }
    const page = await fetch(`${base}/`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // every script is a file the CSP allows
    expect(html).not.toMatch(/\son[a-z]+=/); // no inline event handlers
  });

  it.each([
    [
      'a JSON array as scope',
      'application/json',
      JSON.stringify({
        grant_type: 'client_credentials',
        client_assertion_type: 'x',
        client_assertion: 'y',
        scope: [1],
      }),
    ],
    ['only a non-string scope', 'application/json', JSON.stringify({ scope: [1] })],
    [
      'a number as grant_type',
      'application/json',
      JSON.stringify({ grant_type: 1, client_assertion_type: 'x', client_assertion: 'y' }),
    ],
    [
      'an object as client_assertion',
      'application/json',
      JSON.stringify({ grant_type: 'client_credentials', client_assertion_type: 'x', client_assertion: { a: 1 } }),
    ],
    ['a JSON array body', 'application/json', '[1, 2]'],
    ['nothing', 'application/x-www-form-urlencoded', ''],
    [
      'repeated scope fields',
      'application/x-www-form-urlencoded',
      'grant_type=client_credentials&client_assertion_type=x&client_assertion=y&scope=a&scope=b',
    ],
    [
      'a bracketed field',
      'application/x-www-form-urlencoded',
      'grant_type[a]=client_credentials&client_assertion_type=x&client_assertion=y',
    ],
    [
      'an extra non-string field',
      'application/json',
      JSON.stringify({
        grant_type: 'client_credentials',
        client_assertion_type: 'x',
        client_assertion: 'y',
        extra: { nested: true },
      }),
    ],
  ])('answers a token request with %s 400 invalid_request, never 500', async (_what, contentType, body) => {
    const response = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});
