import type { JWK } from 'jose';
import { z } from 'zod';
import { HUMAN_ROLES, type HumanRole } from './auth/human-roles';
import { DEFAULT_INGEST_SCOPE, type CdsClient, type RegisteredClient } from '@carecircle/gateway/application';
import {
  DEFAULT_JSON_MAX_DEPTH,
  IN_PRODUCTION,
  isPlainHttpToRemoteHost,
  productionMode,
  ServiceEnvError,
} from '@carecircle/platform/service-kit';

/** A development-only identity key: anyone with the source can read what it sealed. */
const DEV_IDENTITY_KEY = Buffer.alloc(32, 'carecircle-dev-only-identity-key').toString('base64');

const smartEhrsSchema = z.array(
  z
    .object({
      iss: z.string().url(),
      clientId: z.string().min(1),
      name: z.string().min(1).max(80).optional(),
      scope: z.string().min(1).optional(),
    })
    .strict(),
);

/** A JSON variable parsed with its schema; the message names the shape, never the value. */
const jsonOf =
  <T>(shape: z.ZodType<T>, message: string) =>
  (value: string, ctx: z.RefinementCtx): T => {
    try {
      return shape.parse(JSON.parse(value));
    } catch {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
  };

const jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) });
/** Public keys inline (`jwks`) or where the party publishes them (`jwksUri`, fetched, cached, rotation followed): exactly one. */
const keysOf = { jwks: jwks.optional(), jwksUri: z.string().url().optional() };
const oneKeySource = (value: { jwks?: unknown; jwksUri?: unknown }) =>
  (value.jwks === undefined) !== (value.jwksUri === undefined);
const smartClient = z.object({ clientId: z.string().min(1), scope: z.string().min(1), ...keysOf }).refine(oneKeySource);
const cdsClient = z
  .object({
    iss: z.string().min(1),
    sub: z.string().min(1).optional(),
    fhirServers: z.array(z.string().url()).default([]),
    clientId: z.string().min(1),
    scope: z.string().min(1),
    ...keysOf,
  })
  .strict()
  .refine(oneKeySource);
const rateLimit = z.object({ burst: z.number().int().min(1), perSecond: z.number().positive() }).strict();
const rateLimitsSchema = z
  .object({ address: rateLimit.optional(), principals: z.record(z.string().min(1), rateLimit).optional() })
  .strict();

const schema = z.object({
  GATEWAY_IDENTITY_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional()
    .describe(
      '32 bytes, base64: seals identifying fields (AES-256-GCM) and keys the lookups (a secret). Required in production.',
    ),
  SMART_CLIENTS: z
    .string()
    .default('[]')
    .transform((value, ctx) => {
      try {
        return z.array(smartClient).parse(JSON.parse(value)) as RegisteredClient[];
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {clientId, scope, jwks | jwksUri}' });
        return z.NEVER;
      }
    })
    .describe(
      'JSON array of `{clientId, scope, jwks | jwksUri}`: the SMART backend clients an administrator registered (keys inline, or fetched from `jwksUri`, cached, rotation followed).',
    ),
  CDS_CLIENTS: z
    .string()
    .default('[]')
    .transform((value, ctx) => {
      try {
        return z.array(cdsClient).parse(JSON.parse(value)) as CdsClient[];
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: 'must be a JSON array of {iss, sub?, jwks | jwksUri, fhirServers, clientId, scope}',
        });
        return z.NEVER;
      }
    })
    .describe(
      'JSON array of `{iss, sub?, jwks | jwksUri, fhirServers, clientId, scope}`: the EHRs that call CDS Hooks with their own signed JWT, the FHIR servers each may name as `fhirServer`, and the CareCircle client and scopes each acts as. URLs https in production.',
    ),
  GATEWAY_JWKS_REFETCH_COOLDOWN_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(3_600_000)
    .default(30_000)
    .describe(
      'Least time between two fetches of one registered `jwksUri` (a token with an unknown `kid` triggers one).',
    ),
  GATEWAY_SIGNING_KEY: z
    .string()
    .transform((value, ctx) => {
      try {
        return z
          .object({
            kty: z.literal('EC'),
            crv: z.literal('P-384'),
            x: z.string(),
            y: z.string(),
            d: z.string(),
            kid: z.string().optional(),
          })
          .parse(JSON.parse(value)) as JWK;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a private EC P-384 JWK (JSON with kty, crv, x, y, d)' });
        return z.NEVER;
      }
    })
    .optional()
    .describe(
      'The SMART access-token signing key, a private ES384 JWK (JSON), the same for every replica; generated per process when unset (a secret). Required in production.',
    ),
  GATEWAY_ROTATION_PUBLIC_KEYS: z
    .string()
    .default('[]')
    .transform(
      jsonOf(
        z.array(
          z
            .object({
              kty: z.literal('EC'),
              crv: z.literal('P-384'),
              x: z.string(),
              y: z.string(),
              kid: z.string().min(1),
              alg: z.literal('ES384').optional(),
              use: z.literal('sig').optional(),
            })
            .strict(),
        ),
        'must be a JSON array of public EC P-384 JWKs, each with a kid (never a private key)',
      ),
    )
    .describe(
      'Public ES384 JWKs published and accepted beside GATEWAY_SIGNING_KEY during a key rotation: the next key before replicas switch to it, the previous one until its tokens expire (see the key-rotation runbook).',
    ),
  AUTH_REQUIRED: z
    .enum(['true', 'false'])
    .default('false')
    .describe('`true` in real deployments (deploy/k8s): production mode (`productionMode`), see `productionProblems`.'),
  GATEWAY_DEV_IDP: z
    .enum(['true', 'false'])
    .default('false')
    .describe(
      '`true` only in the local run: the built-in development issuer with password-less demo users. Refused in production.',
    ),
  GATEWAY_LOCAL_RUN: z
    .enum(['true', 'false'])
    .default('false')
    .describe(
      '`true` only from `npm start` (tools/run-system.ts): the development fallbacks that run expects (development sign-in, per-process signing key, development identity key) are named in one info line instead of a warning each. Refused in production.',
    ),
  GATEWAY_OIDC_ISSUER: z
    .string()
    .url()
    .optional()
    .describe("The hospital's OpenID Connect issuer for people (its `iss`); required in production, https there."),
  GATEWAY_OIDC_JWKS_URL: z
    .string()
    .url()
    .optional()
    .describe("The issuer's JWKS URL; found through its discovery document when unset."),
  GATEWAY_OIDC_CLIENT_ID: z
    .string()
    .min(1)
    .optional()
    .describe(
      "The console's public client id at GATEWAY_OIDC_ISSUER (authorization code + PKCE); unset, the console offers no such sign-in.",
    ),
  GATEWAY_OIDC_SCOPES: z
    .string()
    .min(1)
    .default('openid profile')
    .describe('Scopes the console asks GATEWAY_OIDC_ISSUER for (space-separated; `openid` is always asked).'),
  GATEWAY_OIDC_REDIRECT_URI: z
    .string()
    .url()
    .optional()
    .describe(
      "Where the provider sends the browser back (registered at the provider); default the console's own page. https in production.",
    ),
  GATEWAY_OIDC_ROLE_CLAIM: z
    .string()
    .regex(/^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$/, 'must be a claim name or dot path')
    .default('carecircle_role')
    .describe(
      "The claim holding a person's role, a dot path into the token (`realm_access.roles`); a string or an array of strings.",
    ),
  GATEWAY_OIDC_ROLE_MAP: z
    .string()
    .optional()
    .transform((value, ctx) =>
      value === undefined
        ? undefined
        : jsonOf(
            z.record(z.string().min(1), z.enum(HUMAN_ROLES as [HumanRole, ...HumanRole[]])),
            'must be JSON {"<claim value>": "facilitator|clinician|programme-lead|admin"}',
          )(value, ctx),
    )
    .describe(
      'JSON `{"<claim value>": "<role>"}`: the provider\'s group or role names as CareCircle roles; unset, the role names themselves.',
    ),
  GATEWAY_SMART_EHRS: z
    .string()
    .default('[]')
    .transform(jsonOf(smartEhrsSchema, 'must be a JSON array of {iss, clientId, name?, scope?}'))
    .describe(
      "JSON array of `{iss, clientId, name?, scope?}`: the EHRs that may launch the console (SMART App Launch); `iss` is the EHR's FHIR base URL exactly, any other is refused, never followed. https in production.",
    ),
  GATEWAY_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .describe(
      "Where callers reach the gateway; the token endpoint's `aud`, the issuer and every absolute link derive from it. Required in production, https there.",
    ),
  FHIR_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/, 'must look like 5mb or 500kb')
    .default('5mb')
    .describe('Largest FHIR or JSON request body, e.g. 5mb or 500kb.'),
  JSON_MAX_DEPTH: z.coerce
    .number()
    .int()
    .min(2)
    .max(1000)
    .default(DEFAULT_JSON_MAX_DEPTH)
    .describe(
      'Deepest nesting of a JSON body, FHIR included (the service kit reads the same variable for application/json).',
    ),
  GATEWAY_BUNDLE_MAX_ENTRIES: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(1000)
    .describe('Most entries a batch or transaction Bundle may have; a larger one is refused whole (413 too-costly).'),
  SMART_ACCESS_TOKEN_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(30)
    .max(3600)
    .default(300)
    .describe('Lifetime of a SMART backend access token (seconds).'),
  GATEWAY_RATE_LIMIT_BURST: z.coerce
    .number()
    .int()
    .min(1)
    .default(200)
    .describe('Per-client token bucket on FHIR and CDS Hooks routes: requests at once.'),
  GATEWAY_RATE_LIMIT_PER_SECOND: z.coerce
    .number()
    .positive()
    .default(50)
    .describe('Per-client token bucket on FHIR and CDS Hooks routes: tokens refilled per second.'),
  GATEWAY_RATE_LIMITS: z
    .string()
    .default('{}')
    .transform((value, ctx) => {
      try {
        return rateLimitsSchema.parse(JSON.parse(value));
      } catch {
        const shape = '{"address"?: {burst, perSecond}, "principals"?: {"<id>": {burst, perSecond}}}';
        ctx.addIssue({ code: 'custom', message: `must be JSON ${shape}` });
        return z.NEVER;
      }
    })
    .describe(
      'JSON `{"address": {burst, perSecond}, "principals": {"<client or person id>": {burst, perSecond}}}`: the bucket of each caller address for every request without a valid token (default 60 at once, 10/s), and the principals given their own (an EHR client 100+ req/s); the rest get the two limits above.',
    ),
  GATEWAY_TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|[0-9A-Za-z.:/,\s]+)$/, 'must be a number of hops or comma-separated addresses or subnets')
    .refine((value) => !/^\s*true\s*$/i.test(value), 'must name the proxies (true would trust any X-Forwarded-For)')
    .optional()
    .describe(
      "Express `trust proxy`: the number of proxies in front (`1`) or their addresses/subnets, comma-separated. Only then is the caller's address read from `X-Forwarded-For`; unset, it is the TCP peer's.",
    ),
  CLINICIAN_LIAISON_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:3103')
    .describe('Where clinician-liaison answers CDS Hooks (the gateway proxies `/cds-services`).'),
  CDS_HOOKS_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5_000)
    .describe('How long the CDS Hooks proxy waits for clinician-liaison (ms).'),
  GATEWAY_OBSERVATION_CODES: z
    .string()
    .default(DEFAULT_INGEST_SCOPE.observationCodes.join(','))
    .describe('Comma-separated LOINC codes of the Observations taken in.'),
});

/** The gateway's own variables (gateway.env.ts lists them with the platform's, the timeline's and the console's). */
export const gatewaySettingsEnv = schema.shape;

export type GatewayConfig = ReturnType<typeof readGatewayConfig>;

export function readGatewayConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  // Each problem names its variable, never its value (one line in the start-up log).
  if (!parsed.success) {
    throw new ServiceEnvError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const config = parsed.data;
  // Links and discovery come from GATEWAY_PUBLIC_URL, never from the Host header (a caller chooses that one).
  const unsafe = productionMode(env) ? productionProblems(config, env) : [];
  if (unsafe.length > 0) throw new ServiceEnvError(unsafe);
  return {
    identityKey: Buffer.from(config.GATEWAY_IDENTITY_KEY ?? DEV_IDENTITY_KEY, 'base64'),
    usesDevelopmentIdentityKey: config.GATEWAY_IDENTITY_KEY === undefined,
    devIdp: config.GATEWAY_DEV_IDP === 'true',
    localRun: config.GATEWAY_LOCAL_RUN === 'true',
    clients: config.SMART_CLIENTS,
    cdsClients: config.CDS_CLIENTS,
    jwksRefetchCooldownMs: config.GATEWAY_JWKS_REFETCH_COOLDOWN_MS,
    signingKey: config.GATEWAY_SIGNING_KEY,
    rotationKeys: config.GATEWAY_ROTATION_PUBLIC_KEYS,
    publicUrl: config.GATEWAY_PUBLIC_URL,
    /** Every absolute link the gateway writes (discovery, Bundle links, CapabilityStatement) starts with this. */
    baseUrl: (config.GATEWAY_PUBLIC_URL ?? `http://localhost:${env['PORT'] ?? '3000'}`).replace(/\/+$/, ''),
    fhirBodyLimit: config.FHIR_BODY_LIMIT,
    jsonMaxDepth: config.JSON_MAX_DEPTH,
    bundleMaxEntries: config.GATEWAY_BUNDLE_MAX_ENTRIES,
    accessTokenTtlSeconds: config.SMART_ACCESS_TOKEN_TTL_SECONDS,
    rateLimit: { burst: config.GATEWAY_RATE_LIMIT_BURST, perSecond: config.GATEWAY_RATE_LIMIT_PER_SECOND },
    /** Per caller address (no valid token) and per principal (`GATEWAY_RATE_LIMITS`). */
    rateLimits: {
      address: config.GATEWAY_RATE_LIMITS.address ?? { burst: 60, perSecond: 10 },
      principals: config.GATEWAY_RATE_LIMITS.principals ?? {},
    },
    trustProxy: parseTrustProxy(config.GATEWAY_TRUST_PROXY),
    cdsHooks: { upstreamUrl: config.CLINICIAN_LIAISON_URL.replace(/\/+$/, ''), timeoutMs: config.CDS_HOOKS_TIMEOUT_MS },
    consoleSignIn: consoleSignIn(
      config,
      (config.GATEWAY_PUBLIC_URL ?? `http://localhost:${env['PORT'] ?? '3000'}`).replace(/\/+$/, ''),
    ),
    ingestScope: {
      observationCodes: config.GATEWAY_OBSERVATION_CODES.split(',')
        .map((code) => code.trim())
        .filter(Boolean),
    },
  };
}

/**
 * How people sign in to the console (authorization code + PKCE, public client) and which EHRs may launch
 * it; the same role mapping reads the configured issuer's and the EHRs' tokens.
 */
function consoleSignIn(config: z.output<typeof schema>, baseUrl: string) {
  const scopes = new Set(['openid', ...config.GATEWAY_OIDC_SCOPES.split(/\s+/).filter(Boolean)]);
  return {
    provider:
      config.GATEWAY_OIDC_ISSUER && config.GATEWAY_OIDC_CLIENT_ID
        ? { issuer: config.GATEWAY_OIDC_ISSUER, clientId: config.GATEWAY_OIDC_CLIENT_ID, scope: [...scopes].join(' ') }
        : undefined,
    redirectUri: config.GATEWAY_OIDC_REDIRECT_URI ?? `${baseUrl}/`,
    roleMapping: {
      claim: config.GATEWAY_OIDC_ROLE_CLAIM,
      ...(config.GATEWAY_OIDC_ROLE_MAP ? { values: config.GATEWAY_OIDC_ROLE_MAP } : {}),
    },
    ehrs: config.GATEWAY_SMART_EHRS.map((ehr) => ({
      ...ehr,
      iss: ehr.iss.replace(/\/+$/, ''),
      name: ehr.name ?? new URL(ehr.iss).host,
      scope: ehr.scope ?? 'openid fhirUser',
    })),
  };
}

/** Services the care console and CDS Hooks proxy call; their defaults are the local run's ports. */
const UPSTREAM_URLS = ['ENROLLMENT_URL', 'SCHEDULING_URL', 'CLINICIAN_LIAISON_URL', 'OUTCOMES_URL'] as const;

/**
 * Production reaches no development fallback: the public development identity key, a signing key made
 * per process, the development sign-in, `http://localhost` as its own URL, the local ports as upstreams,
 * and people with no real issuer to sign in at. Each problem names its variable, never its value.
 */
function productionProblems(config: z.output<typeof schema>, env: NodeJS.ProcessEnv): string[] {
  const problems: string[] = [];
  const identityKey = config.GATEWAY_IDENTITY_KEY;
  if (!identityKey) problems.push(`GATEWAY_IDENTITY_KEY is required ${IN_PRODUCTION}`);
  else if (Buffer.from(identityKey, 'base64').equals(Buffer.from(DEV_IDENTITY_KEY, 'base64'))) {
    problems.push(`GATEWAY_IDENTITY_KEY must not be the public development key ${IN_PRODUCTION}`);
  }
  // Per-process keys would also split the replicas: each would refuse the others' access tokens.
  if (!config.GATEWAY_SIGNING_KEY) problems.push(`GATEWAY_SIGNING_KEY is required ${IN_PRODUCTION}`);
  if (config.GATEWAY_DEV_IDP === 'true') problems.push(`GATEWAY_DEV_IDP must not be true ${IN_PRODUCTION}`);
  if (config.GATEWAY_LOCAL_RUN === 'true') problems.push(`GATEWAY_LOCAL_RUN must not be true ${IN_PRODUCTION}`);
  if (!config.GATEWAY_OIDC_ISSUER) problems.push(`GATEWAY_OIDC_ISSUER is required ${IN_PRODUCTION}`);
  if (!config.GATEWAY_PUBLIC_URL) problems.push(`GATEWAY_PUBLIC_URL is required ${IN_PRODUCTION}`);
  const urls = {
    GATEWAY_OIDC_ISSUER: config.GATEWAY_OIDC_ISSUER,
    GATEWAY_OIDC_JWKS_URL: config.GATEWAY_OIDC_JWKS_URL,
    GATEWAY_PUBLIC_URL: config.GATEWAY_PUBLIC_URL,
  };
  for (const [name, url] of Object.entries(urls)) {
    if (url && isPlainHttpToRemoteHost(url)) {
      problems.push(`${name} must be https (plain http only to loopback) ${IN_PRODUCTION}`);
    }
  }
  if (config.GATEWAY_OIDC_REDIRECT_URI && isPlainHttpToRemoteHost(config.GATEWAY_OIDC_REDIRECT_URI)) {
    problems.push(`GATEWAY_OIDC_REDIRECT_URI must be https (plain http only to loopback) ${IN_PRODUCTION}`);
  }
  if (config.GATEWAY_SMART_EHRS.some((ehr) => isPlainHttpToRemoteHost(ehr.iss))) {
    problems.push(`GATEWAY_SMART_EHRS iss must be https (plain http only to loopback) ${IN_PRODUCTION}`);
  }
  // Keys and FHIR data fetched over plain http could be swapped on the way.
  const registered = [
    ...config.SMART_CLIENTS.map((c) => c.jwksUri),
    ...config.CDS_CLIENTS.flatMap((c) => [c.jwksUri, ...c.fhirServers]),
  ];
  if (registered.some((url) => url && isPlainHttpToRemoteHost(url))) {
    problems.push(`SMART_CLIENTS and CDS_CLIENTS URLs must be https (plain http only to loopback) ${IN_PRODUCTION}`);
  }
  for (const name of UPSTREAM_URLS) if (!env[name]?.trim()) problems.push(`${name} is required ${IN_PRODUCTION}`);
  return problems;
}

/** Express `trust proxy`: false (the TCP peer) unless proxies are named. */
function parseTrustProxy(value: string | undefined): false | number | string[] {
  if (value === undefined || value.trim() === '') return false;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
}

/** What each development fallback means, as a warning outside the local run. */
const FALLBACK_WARNINGS = {
  identityKey:
    'GATEWAY_IDENTITY_KEY is not set: identifying data is sealed with the PUBLIC DEVELOPMENT KEY. Never run like this with real data.',
  signingKey:
    'GATEWAY_SIGNING_KEY is not set: access tokens are signed with a key made by this process, so other replicas reject them. Set it wherever more than one replica runs.',
  devIdp:
    'GATEWAY_DEV_IDP=true: the development sign-in is on; anyone reaching the gateway can sign in as a demo user. Local runs only.',
} as const;
const FALLBACK_NAMES = {
  identityKey: 'public development identity key',
  signingKey: 'per-process signing key',
  devIdp: 'development sign-in (demo users)',
} as const;

/**
 * The development fallbacks in use (production refuses them all at start). `npm start` expects them:
 * there they are one info line saying so; anywhere else each is a warning of its own.
 */
export function developmentFallbackNotices(
  config: Pick<GatewayConfig, 'usesDevelopmentIdentityKey' | 'signingKey' | 'devIdp' | 'localRun'>,
): { level: 'info' | 'warn'; msg: string }[] {
  const used = (['identityKey', 'signingKey', 'devIdp'] as const).filter((fallback) =>
    fallback === 'identityKey'
      ? config.usesDevelopmentIdentityKey
      : fallback === 'signingKey'
        ? !config.signingKey
        : config.devIdp,
  );
  if (used.length === 0) return [];
  if (config.localRun)
    return [
      {
        level: 'info',
        msg: `Development mode (npm start): ${used.map((fallback) => FALLBACK_NAMES[fallback]).join(', ')}. Never with real data.`,
      },
    ];
  return used.map((fallback) => ({ level: 'warn', msg: FALLBACK_WARNINGS[fallback] }));
}
