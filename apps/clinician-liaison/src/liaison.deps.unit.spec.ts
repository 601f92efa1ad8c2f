import { hasPushChannels, liaisonConfigFromEnv } from './liaison.deps';

describe('clinician-liaison configuration from the environment', () => {
  it('pushes nowhere by default, with DOMAIN.md thresholds and a capped backoff', () => {
    const config = liaisonConfigFromEnv({});
    expect(config.push).toEqual({ webhookEndpoints: {}, webhookSecret: '', fhirEndpoint: null, retryBaseMs: 1_000, retryMaxMs: 300_000, timeoutMs: 5_000 });
    expect(hasPushChannels(config.push)).toBe(false);
    expect(config.escalation).toEqual({ criticalAfterMinutes: 30, warningAfterMinutes: 1_440 });
  });

  it('takes a FHIR base URL (trailing slashes dropped) as a push channel of its own', () => {
    const { push } = liaisonConfigFromEnv({ LIAISON_FHIR_ENDPOINT: 'https://fhir.example.test/r4/', LIAISON_PUSH_RETRY_BASE_MS: '200' });
    expect(push).toMatchObject({ fhirEndpoint: 'https://fhir.example.test/r4', webhookEndpoints: {}, retryBaseMs: 200 });
    expect(hasPushChannels(push)).toBe(true);
  });

  it('refuses a FHIR endpoint that is no http(s) base URL, webhooks without a long secret, and negative numbers', () => {
    for (const bad of ['fhir.example.test', 'ftp://fhir.example.test', 'https://fhir.example.test/r4?_format=json']) {
      expect(() => liaisonConfigFromEnv({ LIAISON_FHIR_ENDPOINT: bad })).toThrow(/LIAISON_FHIR_ENDPOINT/);
    }
    expect(() => liaisonConfigFromEnv({ LIAISON_WEBHOOK_ENDPOINTS: '{"facilitator":"https://hooks.example.test/f"}', LIAISON_WEBHOOK_SECRET: 'short' })).toThrow(/LIAISON_WEBHOOK_SECRET/);
    expect(() => liaisonConfigFromEnv({ LIAISON_PUSH_RETRY_MAX_MS: '-1' })).toThrow(/LIAISON_PUSH_RETRY_MAX_MS/);
  });
});
