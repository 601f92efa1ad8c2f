import type { JWK } from 'jose';
import { z } from 'zod';
import { DEFAULT_INGEST_SCOPE, type RegisteredClient } from '@carecircle/gateway/application';

/** A development-only identity key: anyone with the source can read what it sealed. */
const DEV_IDENTITY_KEY = Buffer.alloc(32, 'carecircle-dev-only-identity-key').toString('base64');

const jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) });
const schema = z.object({
  /** 32 bytes, base64: seals identifying fields (AES-256-GCM) and keys the lookups. */
  GATEWAY_IDENTITY_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  /** JSON array of `{clientId, scope, jwks}`: the SMART backend clients an administrator registered. */
  SMART_CLIENTS: z
    .string()
    .default('[]')
    .transform((value, ctx) => {
      try {
        return z.array(z.object({ clientId: z.string().min(1), scope: z.string().min(1), jwks })).parse(JSON.parse(value)) as RegisteredClient[];
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {clientId, scope, jwks}' });
        return z.NEVER;
      }
    }),
  /** The SMART access-token signing key, a private ES384 JWK (JSON), the same for every replica; generated per process when unset. */
  GATEWAY_SIGNING_KEY: z
    .string()
    .transform((value, ctx) => {
      try {
        return z.object({ kty: z.literal('EC'), crv: z.literal('P-384'), x: z.string(), y: z.string(), d: z.string(), kid: z.string().optional() }).parse(JSON.parse(value)) as JWK;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a private EC P-384 JWK (JSON with kty, crv, x, y, d)' });
        return z.NEVER;
      }
    })
    .optional(),
  /** `true` in real deployments (deploy/k8s): `GATEWAY_SIGNING_KEY` becomes required, as per-process keys would split the replicas. */
  AUTH_REQUIRED: z.enum(['true', 'false']).default('false'),
  /** Where callers reach the gateway; the token endpoint's `aud` and the issuer derive from it. */
  GATEWAY_PUBLIC_URL: z.string().url().optional(),
  FHIR_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'must look like 5mb or 500kb').default('5mb'),
  SMART_ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(3600).default(300),
  /** Per-client token bucket on FHIR and CDS Hooks routes: requests at once, and refilled per second. */
  GATEWAY_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(200),
  GATEWAY_RATE_LIMIT_PER_SECOND: z.coerce.number().positive().default(50),
  /** Where clinician-liaison answers CDS Hooks (the gateway proxies `/cds-services`). */
  CLINICIAN_LIAISON_URL: z.string().url().default('http://127.0.0.1:3103'),
  CDS_HOOKS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Comma-separated LOINC codes of the Observations taken in. */
  GATEWAY_OBSERVATION_CODES: z.string().default(DEFAULT_INGEST_SCOPE.observationCodes.join(',')),
});

export type GatewayConfig = ReturnType<typeof readGatewayConfig>;

export function readGatewayConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const names = parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ');
    throw new Error(`Invalid gateway environment: ${names}`);
  }
  const config = parsed.data;
  if (config.AUTH_REQUIRED === 'true' && !config.GATEWAY_SIGNING_KEY) throw new Error('Invalid gateway environment: GATEWAY_SIGNING_KEY is required when AUTH_REQUIRED is true');
  return {
    identityKey: Buffer.from(config.GATEWAY_IDENTITY_KEY ?? DEV_IDENTITY_KEY, 'base64'),
    usesDevelopmentIdentityKey: config.GATEWAY_IDENTITY_KEY === undefined,
    clients: config.SMART_CLIENTS,
    signingKey: config.GATEWAY_SIGNING_KEY,
    publicUrl: config.GATEWAY_PUBLIC_URL,
    fhirBodyLimit: config.FHIR_BODY_LIMIT,
    accessTokenTtlSeconds: config.SMART_ACCESS_TOKEN_TTL_SECONDS,
    rateLimit: { burst: config.GATEWAY_RATE_LIMIT_BURST, perSecond: config.GATEWAY_RATE_LIMIT_PER_SECOND },
    cdsHooks: { upstreamUrl: config.CLINICIAN_LIAISON_URL.replace(/\/+$/, ''), timeoutMs: config.CDS_HOOKS_TIMEOUT_MS },
    ingestScope: { observationCodes: config.GATEWAY_OBSERVATION_CODES.split(',').map((code) => code.trim()).filter(Boolean) },
  };
}
