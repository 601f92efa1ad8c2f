import { z } from 'zod';

const schema = z.object({
  /** `true` only in the local run: the built-in development issuer with demo users. */
  GATEWAY_DEV_IDP: z.enum(['true', 'false']).default('false'),
  GATEWAY_PUBLIC_URL: z.string().url().optional(),
  PORT: z.string().optional(),
  /**
   * A real OpenID Connect issuer for humans: its issuer id, the audience of its access tokens and, optionally,
   * its JWKS URL (found through the issuer's discovery document when unset).
   */
  GATEWAY_OIDC_ISSUER: z.string().url().optional(),
  GATEWAY_OIDC_JWKS_URL: z.string().url().optional(),
  GATEWAY_OIDC_AUDIENCE: z.string().min(1).default('carecircle-gateway'),
  TIMELINE_STREAM_POLL_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
});

export function readTimelineConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`Invalid timeline environment: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`);
  }
  const config = parsed.data;
  return {
    devIdp: config.GATEWAY_DEV_IDP === 'true',
    publicUrl: config.GATEWAY_PUBLIC_URL ?? `http://localhost:${config.PORT ?? '3000'}`,
    /** The configured issuer as the gateway's authenticator uses it (JWKS URL optional: discovery). */
    humanIssuer: config.GATEWAY_OIDC_ISSUER
      ? { issuer: config.GATEWAY_OIDC_ISSUER, audience: config.GATEWAY_OIDC_AUDIENCE, ...(config.GATEWAY_OIDC_JWKS_URL ? { jwksUrl: config.GATEWAY_OIDC_JWKS_URL } : {}) }
      : undefined,
    streamPollMs: config.TIMELINE_STREAM_POLL_MS,
  };
}
