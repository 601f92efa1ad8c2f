import { hasPushChannels, liaisonConfigFromEnv } from './liaison.deps';

const SECRET = 'unit-test-webhook-secret-0001';
const PRODUCTION = { NODE_ENV: 'production' };
const IN_PRODUCTION = 'when AUTH_REQUIRED is true or NODE_ENV is production';

describe('clinician-liaison configuration from the environment', () => {
  it('pushes nowhere by default, with DOMAIN.md thresholds and a capped backoff', () => {
    const config = liaisonConfigFromEnv({});
    expect(config.push).toEqual({
      webhookEndpoints: {},
      webhookSecret: '',
      fhirEndpoint: null,
      retryBaseMs: 1_000,
      retryMaxMs: 300_000,
      maxAttempts: 12,
      timeoutMs: 5_000,
      leaseMs: 30_000,
    });
    expect(hasPushChannels(config.push)).toBe(false);
    expect(config.escalation).toEqual({ criticalAfterMinutes: 30, warningAfterMinutes: 1_440 });
  });

  it('takes a FHIR base URL (trailing slashes dropped) as a push channel of its own', () => {
    const { push } = liaisonConfigFromEnv({
      LIAISON_FHIR_ENDPOINT: 'https://fhir.example.test/r4/',
      LIAISON_WEBHOOK_SECRET: SECRET,
      LIAISON_PUSH_RETRY_BASE_MS: '200',
    });
    expect(push).toMatchObject({
      fhirEndpoint: 'https://fhir.example.test/r4',
      webhookEndpoints: {},
      retryBaseMs: 200,
    });
    expect(hasPushChannels(push)).toBe(true);
  });

  it('refuses a FHIR endpoint that is no http(s) base URL, webhooks without a long secret, and negative numbers', () => {
    for (const bad of ['fhir.example.test', 'ftp://fhir.example.test', 'https://fhir.example.test/r4?_format=json']) {
      const env = { LIAISON_FHIR_ENDPOINT: bad, LIAISON_WEBHOOK_SECRET: SECRET };
      expect(() => liaisonConfigFromEnv(env)).toThrow(/LIAISON_FHIR_ENDPOINT/);
    }
    const hook = JSON.stringify({ facilitator: 'https://hooks.example.test/f' });
    const shortSecret = { LIAISON_WEBHOOK_ENDPOINTS: hook, LIAISON_WEBHOOK_SECRET: 'short' };
    expect(() => liaisonConfigFromEnv(shortSecret)).toThrow(/LIAISON_WEBHOOK_SECRET/);
    expect(() => liaisonConfigFromEnv({ LIAISON_PUSH_RETRY_MAX_MS: '-1' })).toThrow(/LIAISON_PUSH_RETRY_MAX_MS/);
  });

  it('holds claimed pushes for a configurable lease of at least two push timeouts', () => {
    expect(liaisonConfigFromEnv({ LIAISON_PUSH_LEASE_MS: '10000' }).push.leaseMs).toBe(10_000);
    for (const tooShort of [
      { LIAISON_PUSH_LEASE_MS: '9999' },
      { LIAISON_PUSH_LEASE_MS: '0', LIAISON_PUSH_TIMEOUT_MS: '0' },
    ])
      expect(() => liaisonConfigFromEnv(tooShort)).toThrow(/^LIAISON_PUSH_LEASE_MS must be above 0 and at least twice/);
  });

  it('signs every push: a FHIR endpoint needs the secret as webhooks do', () => {
    const unsigned = { LIAISON_FHIR_ENDPOINT: 'https://fhir.example.test/r4' };
    expect(() => liaisonConfigFromEnv(unsigned)).toThrow(/^LIAISON_WEBHOOK_SECRET \(16\+ characters\) is required/);
  });

  it('takes https anywhere, and plain http only to loopback outside production', () => {
    const local = {
      LIAISON_WEBHOOK_ENDPOINTS: JSON.stringify({
        facilitator: 'http://127.0.0.1:8080/f',
        'attending-psychiatrist': 'http://localhost:8080/p',
      }),
      LIAISON_FHIR_ENDPOINT: 'http://[::1]:8081/fhir',
      LIAISON_WEBHOOK_SECRET: SECRET,
    };
    expect(liaisonConfigFromEnv(local).push.fhirEndpoint).toBe('http://[::1]:8081/fhir');
    const remote = { LIAISON_WEBHOOK_SECRET: SECRET, LIAISON_FHIR_ENDPOINT: 'http://fhir.example.test/r4' };
    const httpsOnly = 'LIAISON_FHIR_ENDPOINT must be https (plain http only to loopback)';
    expect(() => liaisonConfigFromEnv(remote)).toThrow(httpsOnly);
    const remoteHook = JSON.stringify({ facilitator: 'http://hooks.example.test/f' });
    const hooks = { LIAISON_WEBHOOK_SECRET: SECRET, LIAISON_WEBHOOK_ENDPOINTS: remoteHook };
    expect(() => liaisonConfigFromEnv(hooks)).toThrow('LIAISON_WEBHOOK_ENDPOINTS.facilitator must be https');
  });

  it('refuses every plain-http push endpoint in production (NODE_ENV=production or AUTH_REQUIRED=true)', () => {
    const secure = {
      LIAISON_WEBHOOK_ENDPOINTS: JSON.stringify({ facilitator: 'https://hooks.example.test/f' }),
      LIAISON_FHIR_ENDPOINT: 'https://fhir.example.test/r4',
      LIAISON_WEBHOOK_SECRET: SECRET,
    };
    expect(liaisonConfigFromEnv({ ...PRODUCTION, ...secure }).push.fhirEndpoint).toBe('https://fhir.example.test/r4');
    for (const production of [PRODUCTION, { AUTH_REQUIRED: 'true' }]) {
      const fhir = { ...production, ...secure, LIAISON_FHIR_ENDPOINT: 'http://127.0.0.1:8081/fhir' };
      const httpsOnly = `LIAISON_FHIR_ENDPOINT must be https ${IN_PRODUCTION}`;
      expect(() => liaisonConfigFromEnv(fhir)).toThrow(new Error(httpsOnly));
      const localHook = JSON.stringify({ facilitator: 'http://localhost:8080/f' });
      const hooks = { ...production, ...secure, LIAISON_WEBHOOK_ENDPOINTS: localHook };
      const problem = `LIAISON_WEBHOOK_ENDPOINTS.facilitator must be https ${IN_PRODUCTION}`;
      expect(() => liaisonConfigFromEnv(hooks)).toThrow(new Error(problem));
    }
  });

  it('opens emergency access for 240 minutes unless configured, within a minute and a day', () => {
    expect(liaisonConfigFromEnv({}).emergencyAccessMinutes).toBe(240);
    expect(liaisonConfigFromEnv({ LIAISON_EMERGENCY_ACCESS_MINUTES: '30' }).emergencyAccessMinutes).toBe(30);
    for (const bad of ['0', '1441', 'soon'])
      expect(() => liaisonConfigFromEnv({ LIAISON_EMERGENCY_ACCESS_MINUTES: bad })).toThrow(
        /^LIAISON_EMERGENCY_ACCESS_MINUTES/,
      );
  });
});
