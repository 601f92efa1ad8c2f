import { z } from 'zod';
import { readServiceEnv, ServiceEnvError } from '../config/service-env';

/** An issuer whose tokens a service accepts: its `iss`, where its public keys are, and the `aud` its tokens must carry. */
export interface TrustedIssuer {
  issuer: string;
  jwksUri: string;
  audience?: string;
}

const TRUSTED_ISSUERS_FORMAT = 'must be a JSON array of {issuer, jwksUri, audience?} with URLs';

const trustedIssuers = z.array(
  z.object({ issuer: z.string().min(1), jwksUri: z.url(), audience: z.string().min(1).optional() }).strict(),
);

const authEnv = {
  /** JSON array of `TrustedIssuer`. Unset: tokens are not verified (development and the existing tests). */
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
    .optional(),
  /** `true` in production manifests: a missing `AUTH_TRUSTED_ISSUERS` stops the service instead of leaving it open. */
  AUTH_REQUIRED: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
};

/**
 * The issuers a service trusts, or `undefined` when verification is off. Off only where nothing is
 * configured and `AUTH_REQUIRED` is not `true`; the message of a bad value names the variable, never the value.
 */
export function readTrustedIssuers(env: NodeJS.ProcessEnv = process.env): readonly TrustedIssuer[] | undefined {
  const config = readServiceEnv(authEnv, env);
  if (!config.AUTH_TRUSTED_ISSUERS && config.AUTH_REQUIRED === 'true') {
    throw new ServiceEnvError(['AUTH_TRUSTED_ISSUERS is required when AUTH_REQUIRED is true']);
  }
  return config.AUTH_TRUSTED_ISSUERS;
}
