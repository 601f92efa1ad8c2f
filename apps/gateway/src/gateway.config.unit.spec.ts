import { generateKeyPairSync } from 'node:crypto';
import { ServiceEnvError } from '@carecircle/platform/service-kit';
import { developmentFallbackNotices, readGatewayConfig } from './gateway.config';

const IN_PRODUCTION = 'when AUTH_REQUIRED is true or NODE_ENV is production';
const IDENTITY_KEY = Buffer.alloc(32, 7).toString('base64');
const DEV_IDENTITY_KEY = Buffer.alloc(32, 'carecircle-dev-only-identity-key').toString('base64');
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
const SIGNING_KEY = JSON.stringify(privateKey.export({ format: 'jwk' }));

/** What deploy/k8s gives the gateway: every production requirement met. */
const SAFE: NodeJS.ProcessEnv = {
  NODE_ENV: 'production',
  GATEWAY_IDENTITY_KEY: IDENTITY_KEY,
  GATEWAY_SIGNING_KEY: SIGNING_KEY,
  GATEWAY_OIDC_ISSUER: 'https://login.hospital.example/realms/carecircle',
  GATEWAY_PUBLIC_URL: 'https://carecircle.hospital.example',
  GATEWAY_DEV_IDP: 'false',
  ENROLLMENT_URL: 'http://enrollment.carecircle.svc',
  SCHEDULING_URL: 'http://scheduling.carecircle.svc',
  CLINICIAN_LIAISON_URL: 'http://clinician-liaison.carecircle.svc',
  OUTCOMES_URL: 'http://outcomes.carecircle.svc',
};

/** The problems the gateway names at start-up, or `started`. */
const failure = (env: NodeJS.ProcessEnv): readonly string[] | 'started' => {
  try {
    readGatewayConfig(env);
  } catch (error) {
    if (error instanceof ServiceEnvError) return error.problems;
    throw error;
  }
  return 'started';
};

const NOT_DEV_KEY = 'must not be the public development key';
const HTTPS = 'must be https (plain http only to loopback)';

describe('the gateway in production (NODE_ENV=production or AUTH_REQUIRED=true) has no development fallback', () => {
  it('starts with a complete production configuration, and with none at all outside production', () => {
    const production = readGatewayConfig(SAFE);
    expect(production).toMatchObject({ usesDevelopmentIdentityKey: false, publicUrl: SAFE['GATEWAY_PUBLIC_URL'] });
    expect(readGatewayConfig({})).toMatchObject({ usesDevelopmentIdentityKey: true });
    const local = readGatewayConfig({ GATEWAY_IDENTITY_KEY: DEV_IDENTITY_KEY, GATEWAY_DEV_IDP: 'true' });
    expect(local.usesDevelopmentIdentityKey).toBe(false);
  });

  it.each([
    ['GATEWAY_IDENTITY_KEY missing', { GATEWAY_IDENTITY_KEY: undefined }, 'GATEWAY_IDENTITY_KEY is required'],
    ['the development identity key', { GATEWAY_IDENTITY_KEY: DEV_IDENTITY_KEY }, `GATEWAY_IDENTITY_KEY ${NOT_DEV_KEY}`],
    ['GATEWAY_SIGNING_KEY missing', { GATEWAY_SIGNING_KEY: undefined }, 'GATEWAY_SIGNING_KEY is required'],
    ['the development IdP on', { GATEWAY_DEV_IDP: 'true' }, 'GATEWAY_DEV_IDP must not be true'],
    ['the local run’s quiet notices', { GATEWAY_LOCAL_RUN: 'true' }, 'GATEWAY_LOCAL_RUN must not be true'],
    ['no OIDC issuer', { GATEWAY_OIDC_ISSUER: undefined }, 'GATEWAY_OIDC_ISSUER is required'],
    ['an http OIDC issuer', { GATEWAY_OIDC_ISSUER: 'http://login.hospital.example' }, `GATEWAY_OIDC_ISSUER ${HTTPS}`],
    ['an http JWKS URL', { GATEWAY_OIDC_JWKS_URL: 'http://hospital.example/c' }, `GATEWAY_OIDC_JWKS_URL ${HTTPS}`],
    ['GATEWAY_PUBLIC_URL unset', { GATEWAY_PUBLIC_URL: undefined }, 'GATEWAY_PUBLIC_URL is required'],
    ['an http public URL', { GATEWAY_PUBLIC_URL: 'http://cc.hospital.example' }, `GATEWAY_PUBLIC_URL ${HTTPS}`],
    ['an upstream left at its local port', { CLINICIAN_LIAISON_URL: undefined }, 'CLINICIAN_LIAISON_URL is required'],
    [
      'an http EHR for SMART launch',
      { GATEWAY_SMART_EHRS: JSON.stringify([{ iss: 'http://ehr.hospital.example/fhir', clientId: 'cc' }]) },
      `GATEWAY_SMART_EHRS iss ${HTTPS}`,
    ],
    [
      'an http console redirect URI',
      { GATEWAY_OIDC_REDIRECT_URI: 'http://cc.hospital.example/' },
      `GATEWAY_OIDC_REDIRECT_URI ${HTTPS}`,
    ],
  ])('refuses %s, naming the variable and never its value', (_, change, problem) => {
    for (const mode of [{}, { NODE_ENV: undefined, AUTH_REQUIRED: 'true' }]) {
      const problems = failure({ ...SAFE, ...mode, ...change });
      expect(problems).toEqual([`${problem} ${IN_PRODUCTION}`]);
      expect(String(problems)).not.toMatch(/hospital\.example|carecircle\.svc/);
      expect(String(problems)).not.toContain(DEV_IDENTITY_KEY);
    }
  });

  it('names every problem at once', () => {
    const problems = failure({ AUTH_REQUIRED: 'true' });
    expect(problems !== 'started' && problems.map((problem) => problem.split(' ')[0])).toEqual([
      'GATEWAY_IDENTITY_KEY',
      'GATEWAY_SIGNING_KEY',
      'GATEWAY_OIDC_ISSUER',
      'GATEWAY_PUBLIC_URL',
      'ENROLLMENT_URL',
      'SCHEDULING_URL',
      'CLINICIAN_LIAISON_URL',
      'OUTCOMES_URL',
    ]);
  });

  it('allows loopback http for the issuer and public URL (tests, a sidecar proxy)', () => {
    const loopback = { GATEWAY_OIDC_ISSUER: 'http://127.0.0.1:8080/cc', GATEWAY_PUBLIC_URL: 'http://localhost:3000' };
    expect(failure({ ...SAFE, ...loopback })).toBe('started');
  });
});

describe('the console’s sign-in settings', () => {
  it('offers the provider with openid always asked, and the registered EHRs by exact iss', () => {
    const config = readGatewayConfig({
      ...SAFE,
      GATEWAY_OIDC_CLIENT_ID: 'carecircle-console',
      GATEWAY_OIDC_SCOPES: 'profile',
      GATEWAY_OIDC_ROLE_CLAIM: 'realm_access.roles',
      GATEWAY_OIDC_ROLE_MAP: '{"cc-psy": "clinician"}',
      GATEWAY_SMART_EHRS: JSON.stringify([{ iss: 'https://ehr.hospital.example/fhir/', clientId: 'cc-smart' }]),
    });
    expect(config.consoleSignIn).toEqual({
      provider: { issuer: SAFE['GATEWAY_OIDC_ISSUER'], clientId: 'carecircle-console', scope: 'openid profile' },
      redirectUri: 'https://carecircle.hospital.example/',
      roleMapping: { claim: 'realm_access.roles', values: { 'cc-psy': 'clinician' } },
      ehrs: [
        {
          iss: 'https://ehr.hospital.example/fhir',
          clientId: 'cc-smart',
          name: 'ehr.hospital.example',
          scope: 'openid fhirUser',
        },
      ],
    });
  });

  it.each([
    [
      'a role map naming no CareCircle role',
      { GATEWAY_OIDC_ROLE_MAP: '{"cc-psy": "superuser"}' },
      'GATEWAY_OIDC_ROLE_MAP',
    ],
    ['a role claim that is no claim path', { GATEWAY_OIDC_ROLE_CLAIM: 'roles[0]' }, 'GATEWAY_OIDC_ROLE_CLAIM'],
    [
      'EHRs that are not a JSON array of {iss, clientId}',
      { GATEWAY_SMART_EHRS: '[{"iss": "not a url"}]' },
      'GATEWAY_SMART_EHRS',
    ],
  ])('refuses %s', (_, change, variable) => {
    expect(failure({ ...SAFE, ...change })).toEqual([expect.stringMatching(new RegExp(`^${variable} `))]);
  });
});

describe('signing-key rotation settings (GATEWAY_ROTATION_PUBLIC_KEYS)', () => {
  const publicPart = ({ kty, crv, x, y }: Record<string, unknown>) => ({ kty, crv, x, y, kid: 'gateway-2026-11' });
  const signing = JSON.parse(SIGNING_KEY) as Record<string, unknown>;

  it('takes public P-384 keys with a kid, none by default', () => {
    expect(readGatewayConfig(SAFE).rotationKeys).toEqual([]);
    expect(
      readGatewayConfig({ ...SAFE, GATEWAY_ROTATION_PUBLIC_KEYS: JSON.stringify([publicPart(signing)]) }).rotationKeys,
    ).toEqual([publicPart(signing)]);
  });

  it.each([
    ['a private key', { ...signing, kid: 'k' }],
    ['a key without a kid', { ...publicPart(signing), kid: undefined }],
    ['an RSA key', { kty: 'RSA', n: 'AQAB', e: 'AQAB', kid: 'k' }],
  ])('refuses %s, without quoting it', (_, key) => {
    const problems = failure({ ...SAFE, GATEWAY_ROTATION_PUBLIC_KEYS: JSON.stringify([key]) });
    expect(problems).toEqual([
      expect.stringMatching(/^GATEWAY_ROTATION_PUBLIC_KEYS must be a JSON array of public EC P-384 JWKs/),
    ]);
    expect(String(problems)).not.toContain(String(signing['d']));
  });
});

describe('the development fallbacks at start', () => {
  it('names each in a warning of its own outside `npm start`', () => {
    expect(developmentFallbackNotices(readGatewayConfig({ GATEWAY_DEV_IDP: 'true' }))).toEqual([
      { level: 'warn', msg: expect.stringContaining('GATEWAY_IDENTITY_KEY is not set') },
      { level: 'warn', msg: expect.stringContaining('GATEWAY_SIGNING_KEY is not set') },
      { level: 'warn', msg: expect.stringContaining('GATEWAY_DEV_IDP=true') },
    ]);
  });

  it('says once, at info, that `npm start` runs in development mode, naming the fallbacks it expects', () => {
    expect(
      developmentFallbackNotices(readGatewayConfig({ GATEWAY_DEV_IDP: 'true', GATEWAY_LOCAL_RUN: 'true' })),
    ).toEqual([
      {
        level: 'info',
        msg: 'Development mode (npm start): public development identity key, per-process signing key, development sign-in (demo users). Never with real data.',
      },
    ]);
  });

  it('says nothing when there is none', () => {
    expect(
      developmentFallbackNotices(
        readGatewayConfig({ GATEWAY_IDENTITY_KEY: IDENTITY_KEY, GATEWAY_SIGNING_KEY: SIGNING_KEY }),
      ),
    ).toEqual([]);
  });
});
