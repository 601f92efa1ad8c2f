import { z } from 'zod';

const schema = z.object({
  SCHEDULING_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:3102')
    .describe('Base URL of scheduling, called by the care console. Required in production.'),
  OUTCOMES_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:3104')
    .describe('Base URL of outcomes, called by the care console. Required in production.'),
  ENROLLMENT_URL: z
    .string()
    .url()
    .default('http://127.0.0.1:3101')
    .describe('Base URL of enrollment, called by the care console. Required in production.'),
  CARE_CONSOLE_UPSTREAM_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(5_000)
    .describe('How long the console waits for a service before answering 502.'),
  CARE_CONSOLE_DOSE_SESSIONS: z.coerce
    .number()
    .int()
    .min(1)
    .max(52)
    .default(6)
    .describe(
      "Sessions attended that make a dose, for the roster's progress (DOMAIN.md: 6; scheduling's SCHEDULING_DOSE_SESSIONS).",
    ),
});

/** The care console's variables (gateway.env.ts lists them with the rest of the gateway's). */
export const careConsoleSettingsEnv = schema.shape;

/** The care console's upstream services (clinician-liaison's URL is the gateway's CLINICIAN_LIAISON_URL). */
export function readCareConsoleConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    throw new Error(
      `Invalid care-console environment: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
    );
  }
  const config = parsed.data;
  const base = (url: string) => url.replace(/\/+$/, '');
  return {
    schedulingUrl: base(config.SCHEDULING_URL),
    outcomesUrl: base(config.OUTCOMES_URL),
    enrollmentUrl: base(config.ENROLLMENT_URL),
    upstreamTimeoutMs: config.CARE_CONSOLE_UPSTREAM_TIMEOUT_MS,
    doseSessions: config.CARE_CONSOLE_DOSE_SESSIONS,
  };
}
