import { z } from 'zod';

const schema = z.object({
  GATEWAY_DEV_IDP: z
    .enum(['true', 'false'])
    .default('false')
    .describe('`true` only in the local run: the built-in development issuer with demo users.'),
  GATEWAY_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .describe("Where callers reach the gateway (see the gateway's own setting)."),
  PORT: z.string().optional().describe("The gateway's port, for its URL when GATEWAY_PUBLIC_URL is unset."),
  GATEWAY_OIDC_ISSUER: z
    .string()
    .url()
    .optional()
    .describe(
      "A real OpenID Connect issuer for humans: its issuer id, the audience of its access tokens and, optionally, its JWKS URL (found through the issuer's discovery document when unset).",
    ),
  GATEWAY_OIDC_JWKS_URL: z
    .string()
    .url()
    .optional()
    .describe("The issuer's JWKS URL; found through its discovery document when unset."),
  GATEWAY_OIDC_AUDIENCE: z
    .string()
    .min(1)
    .default('carecircle-gateway')
    .describe("The `aud` the configured issuer's access tokens must carry."),
  TIMELINE_STREAM_POLL_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(1_000)
    .describe('How often an open care-timeline stream looks for new entries (ms).'),
});

/** The timeline's variables (gateway.env.ts lists them with the rest of the gateway's). */
export const timelineSettingsEnv = schema.shape;

export function readTimelineConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid timeline environment: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
    );
  }
  const config = parsed.data;
  return {
    devIdp: config.GATEWAY_DEV_IDP === 'true',
    publicUrl: config.GATEWAY_PUBLIC_URL ?? `http://localhost:${config.PORT ?? '3000'}`,
    /** The configured issuer as the gateway's authenticator uses it (JWKS URL optional: discovery). */
    humanIssuer: config.GATEWAY_OIDC_ISSUER
      ? {
          issuer: config.GATEWAY_OIDC_ISSUER,
          audience: config.GATEWAY_OIDC_AUDIENCE,
          ...(config.GATEWAY_OIDC_JWKS_URL ? { jwksUrl: config.GATEWAY_OIDC_JWKS_URL } : {}),
        }
      : undefined,
    streamPollMs: config.TIMELINE_STREAM_POLL_MS,
  };
}
