import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import { generateKeyPair } from 'jose';
import { captureLogLines, createLogger } from '@carecircle/platform/observability';
import { bootstrapService } from '../bootstrap/bootstrap-service';
import { HealthModule } from '../health/health.module';
import { CurrentCaller, Public, type Caller } from './caller';
import { startLocalTokenIssuer, type LocalTokenIssuer } from './local-token-issuer';

@Controller()
class ThingsController {
  @Get('things')
  things(@CurrentCaller() caller: Caller | undefined) {
    return { caller: caller ?? null };
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

@Module({ imports: [HealthModule.forRoot()], controllers: [ThingsController] })
class ThingsModule {}

const AUDIENCE = 'carecircle-services';

describe('service token guard (AUTH_TRUSTED_ISSUERS)', () => {
  const saved = { ...process.env };
  const logs = captureLogLines();
  let issuer: LocalTokenIssuer;
  let other: LocalTokenIssuer;
  let app: INestApplication | undefined;
  let open: INestApplication | undefined;
  let url: string;
  let openUrl: string;

  const start = (env: Record<string, string | undefined>) => {
    process.env = { ...saved, ...env };
    return bootstrapService({ name: 'auth-test', rootModule: ThingsModule, port: 0, logger: createLogger('auth-test', { destination: logs.stream, level: 'info' }) });
  };

  beforeAll(async () => {
    [issuer, other] = await Promise.all([startLocalTokenIssuer(), startLocalTokenIssuer()]);
    app = await start({ AUTH_TRUSTED_ISSUERS: JSON.stringify([{ issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: AUDIENCE }]), AUTH_REQUIRED: 'true' });
    url = await app.getUrl();
    open = await start({ AUTH_TRUSTED_ISSUERS: undefined, AUTH_REQUIRED: undefined });
    openUrl = await open.getUrl();
  });

  afterAll(async () => {
    process.env = saved;
    await Promise.all([app?.close(), open?.close()]);
    await Promise.all([issuer?.stop(), other?.stop()]);
  });

  const get = (path: string, token?: string, base = url) => fetch(`${base}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  it('lets a valid token through and hands the handler the verified caller', async () => {
    const response = await get('/things', await issuer.sign('fac_synthetic_sw_01', { carecircle_role: 'facilitator' }, { audience: AUDIENCE }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ caller: { sub: 'fac_synthetic_sw_01', issuer: issuer.issuer, role: 'facilitator' } });
    const client = await get('/things', await issuer.sign('ehr-client', { scope: 'system/Patient.rs' }, { audience: AUDIENCE }));
    expect(await client.json()).toEqual({ caller: { sub: 'ehr-client', issuer: issuer.issuer, scope: 'system/Patient.rs' } });
  });

  it.each<[string, () => Promise<string | undefined>, string]>([
    ['missing', async () => undefined, 'A bearer token is required'],
    ['not a JWT', async () => 'not-a-jwt', 'The bearer token is not a JWT'],
    ['expired', () => issuer.sign('fac_1', {}, { audience: AUDIENCE, expiresIn: -60 }), 'The bearer token has expired'],
    ['from an untrusted issuer', () => other.sign('fac_1', {}, { audience: AUDIENCE }), 'The bearer token is not from a trusted issuer'],
    ['for another audience', () => issuer.sign('fac_1', {}, { audience: 'someone-else' }), 'The bearer token is not meant for this service'],
    ['signed with another key (claiming the trusted issuer)', async () => other.sign('fac_1', {}, { audience: AUDIENCE, issuer: issuer.issuer }), 'The bearer token is not valid'],
    ['signed with a key of no one', async () => issuer.sign('fac_1', {}, { audience: AUDIENCE, key: (await generateKeyPair('ES256')).privateKey }), 'The bearer token is not valid'],
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

  it('caches the issuer keys instead of fetching them per request', () => {
    expect(issuer.jwksFetches()).toBe(1);
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
    expect(logs.lines).toContainEqual(expect.objectContaining({ level: 'warn', msg: expect.stringContaining('AUTH_TRUSTED_ISSUERS is not set') }));
  });

  it.each([
    [{ AUTH_REQUIRED: 'true' }, 'AUTH_TRUSTED_ISSUERS is required when AUTH_REQUIRED is true'],
    [{ AUTH_TRUSTED_ISSUERS: '[{"issuer":"x"}]' }, 'AUTH_TRUSTED_ISSUERS must be a JSON array of {issuer, jwksUri, audience?} with URLs'],
  ])('refuses to start with %j', async (env, message) => {
    await expect(start(env)).rejects.toThrow(message);
  });
});
