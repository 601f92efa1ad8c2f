import { z } from 'zod';
import { IN_PRODUCTION, isPlainHttpToRemoteHost, productionMode } from '../config/production-mode';
import { readServiceEnv, ServiceEnvError } from '../config/service-env';

/**
 * An issuer whose tokens a service accepts: its `iss` and where its public keys are. The `aud` is not
 * configurable: it is always the service's own (`carecircle-<service>`).
 */
export interface TrustedIssuer {
  issuer: string;
  jwksUri: string;
}

const TRUSTED_ISSUERS_FORMAT = 'must be a JSON array of {issuer, jwksUri} with URLs';

const trustedIssuers = z.array(z.object({ issuer: z.string().min(1), jwksUri: z.url() }).strict());

/** The issuers a service (not the gateway, which verifies its callers itself) accepts tokens from. */
export const trustedIssuersEnv = {
  AUTH_TRUSTED_ISSUERS: z
    .string()
    .transform((value, ctx) => {
      try {
        return trustedIssuers.min(1).parse(JSON.parse(value));
      } catch {
        ctx.addIssue({ code: 'custom', message: TRUSTED_ISSUERS_FORMAT });
        return z.NEVER;
      }
    })
    .optional()
    .describe(
      "JSON array of {issuer, jwksUri}: who may call the service (the gateway's SMART issuer). Unset outside production: tokens are not verified. https only in production (plain http to loopback).",
    ),
  AUTH_REQUIRED: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .describe('`true` in production manifests: production mode (as NODE_ENV=production), no development fallback.'),
};

/**
 * The issuers a service trusts, or `undefined` when verification is off. Off only where nothing is
 * configured outside production (`productionMode`); in production an issuer whose `issuer` or `jwksUri` is
 * plain http to a host other than loopback is refused too (its keys could be swapped on the way).
 * The message of a bad value names the variable, never the value.
 */
export function readTrustedIssuers(env: NodeJS.ProcessEnv = process.env): readonly TrustedIssuer[] | undefined {
  const config = readServiceEnv(trustedIssuersEnv, env);
  if (!productionMode(env)) return config.AUTH_TRUSTED_ISSUERS;
  if (!config.AUTH_TRUSTED_ISSUERS) throw new ServiceEnvError([`AUTH_TRUSTED_ISSUERS is required ${IN_PRODUCTION}`]);
  const urls = config.AUTH_TRUSTED_ISSUERS.flatMap(({ issuer, jwksUri }) => [issuer, jwksUri]);
  if (urls.some(isPlainHttpToRemoteHost)) {
    throw new ServiceEnvError([`AUTH_TRUSTED_ISSUERS must use https (plain http only to loopback) ${IN_PRODUCTION}`]);
  }
  return config.AUTH_TRUSTED_ISSUERS;
}
