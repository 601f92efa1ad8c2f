import {
  defaultEscalationConfig,
  defaultRuleConfig,
  type EscalationConfig,
  type RuleConfig,
} from '@carecircle/clinician-liaison/domain';
import { IN_PRODUCTION, isLoopbackHost, productionMode } from '@carecircle/platform/service-kit';
import { z } from 'zod';

export const LIAISON_DEPS = Symbol('LIAISON_DEPS');
/** The `LiaisonConfig`, read once when the module starts. */
export const LIAISON_CONFIG = Symbol('LIAISON_CONFIG');
const DEFAULT_TIMELINE_BASE_URL = 'https://carecircle.example/timeline';
export const PUSH_CONFIG = Symbol('PUSH_CONFIG');
export const EMERGENCY_ACCESS_MINUTES = Symbol('EMERGENCY_ACCESS_MINUTES');

/**
 * Push delivery, one durable queue for every channel: a webhook per recipient role and, when
 * configured, a FHIR endpoint that receives each alert's Communication (and DetectedIssue). Every push
 * is signed with `webhookSecret` (see `SIGNATURE_HEADER`).
 */
export interface PushConfig {
  webhookEndpoints: Record<string, string>;
  webhookSecret: string;
  /** FHIR base URL (no trailing slash): resources are POSTed to `<base>/<resourceType>`. */
  fhirEndpoint: string | null;
  retryBaseMs: number;
  retryMaxMs: number;
  /** The attempt after which a push that still fails is parked for an operator. */
  maxAttempts: number;
  timeoutMs: number;
  /**
   * How long a claimed push is held by its replica: another replica takes it only after this (the holder
   * died or lost its database). At least twice `timeoutMs`, since a send starts only with that much left.
   */
  leaseMs: number;
}

export const hasPushChannels = (config: PushConfig) =>
  Object.keys(config.webhookEndpoints).length > 0 || config.fhirEndpoint !== null;

const HTTP_URL = /^https?:\/\/[^\s/]+/;

/**
 * https, or plain http to this machine outside production (a local receiver, the tests): alerts carry
 * health data, and a push over plain http across a network could be read or changed on the way.
 */
function unsafeEndpoint(url: string, production: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an http(s) URL';
  }
  const { protocol, hostname } = parsed;
  if (protocol === 'https:') return undefined;
  if (production) return `must be https ${IN_PRODUCTION}`;
  return isLoopbackHost(hostname) ? undefined : 'must be https (plain http only to loopback)';
}

function webhookEndpoints(raw: string | undefined, production: boolean): Record<string, string> {
  if (!raw?.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error('LIAISON_WEBHOOK_ENDPOINTS must be a JSON object of role to URL');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new Error('LIAISON_WEBHOOK_ENDPOINTS must be a JSON object of role to URL');
  for (const [role, url] of Object.entries(parsed)) {
    if (typeof url !== 'string' || !HTTP_URL.test(url))
      throw new Error(`LIAISON_WEBHOOK_ENDPOINTS.${role} must be an http(s) URL`);
    const unsafe = unsafeEndpoint(url, production);
    if (unsafe) throw new Error(`LIAISON_WEBHOOK_ENDPOINTS.${role} ${unsafe}`);
  }
  return parsed as Record<string, string>;
}

function fhirEndpoint(raw: string | undefined, production: boolean): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!HTTP_URL.test(value) || /[?#]/.test(value))
    throw new Error('LIAISON_FHIR_ENDPOINT must be the http(s) base URL of a FHIR R4 server');
  const unsafe = unsafeEndpoint(value, production);
  if (unsafe) throw new Error(`LIAISON_FHIR_ENDPOINT ${unsafe}`);
  return value.replace(/\/+$/, '');
}

const nonNegative = (fallback: number, description: string) =>
  z.coerce.number().min(0).default(fallback).describe(description);

/** clinician-liaison's own variables: thresholds default to DOMAIN.md's values. */
export const liaisonSettingsEnv = {
  LIAISON_OVERLOAD_CAP: nonNegative(
    defaultRuleConfig.overloadCap,
    'Rule 7: structured therapeutic contacts allowed in any rolling window.',
  ),
  LIAISON_ANTIDEPRESSANT_WATCH_DAYS: nonNegative(
    defaultRuleConfig.antidepressantWatchDays,
    'Rule 1: joining a group this many days from an antidepressant change counts as a change while in a group.',
  ),
  LIAISON_CONFLICT_WINDOW_MINUTES: nonNegative(
    defaultRuleConfig.conflictWindowMinutes,
    'Rule 8: a group session this close (minutes) to another appointment is a conflict.',
  ),
  LIAISON_MME_INFO: nonNegative(defaultRuleConfig.mmeInfo, 'Rule 6: lower MME/day band (CDC 2016).'),
  LIAISON_MME_WARNING: nonNegative(defaultRuleConfig.mmeWarning, 'Rule 6: upper MME/day band (CDC 2016).'),
  LIAISON_DOSE_SESSIONS: nonNegative(defaultRuleConfig.doseSessions, 'Rule 11: the dose (sessions attended).'),
  LIAISON_ESCALATE_CRITICAL_MINUTES: nonNegative(
    defaultEscalationConfig.criticalAfterMinutes,
    'An unacknowledged critical alert escalates to the next care-team member after this many minutes.',
  ),
  LIAISON_ESCALATE_WARNING_MINUTES: nonNegative(
    defaultEscalationConfig.warningAfterMinutes,
    'An unacknowledged warning alert escalates to the next care-team member after this many minutes.',
  ),
  LIAISON_TIMER_POLL_MS: nonNegative(5_000, 'How often due escalations and pushes are looked for (ms).'),
  LIAISON_EMERGENCY_ACCESS_MINUTES: nonNegative(240, 'How long break-the-glass access lasts, 1 to 1440 minutes.'),
  LIAISON_WEBHOOK_ENDPOINTS: z
    .string()
    .optional()
    .describe('JSON object of recipient role to webhook URL. https only (plain http to loopback outside production).'),
  LIAISON_FHIR_ENDPOINT: z
    .string()
    .optional()
    .describe(
      "A FHIR R4 base URL that receives each alert's Communication (and DetectedIssue). https only (plain http to loopback outside production).",
    ),
  LIAISON_WEBHOOK_SECRET: z
    .string()
    .optional()
    .describe('Signs every push (a secret, 16+ characters); required with any push endpoint.'),
  LIAISON_PUSH_RETRY_BASE_MS: nonNegative(
    1_000,
    'First retry delay of a failed push (ms), doubled and jittered per attempt.',
  ),
  LIAISON_PUSH_RETRY_MAX_MS: nonNegative(5 * 60_000, 'Longest delay between two attempts of a push (ms).'),
  LIAISON_PUSH_MAX_ATTEMPTS: nonNegative(
    12,
    'The attempt after which a push that still fails is parked for an operator.',
  ),
  LIAISON_PUSH_TIMEOUT_MS: nonNegative(5_000, 'How long one push attempt may take (ms).'),
  LIAISON_PUSH_LEASE_MS: nonNegative(
    30_000,
    "How long a replica holds the pushes it claimed (ms): a dead replica's pushes go out after this. At least twice LIAISON_PUSH_TIMEOUT_MS.",
  ),
  CARE_TIMELINE_BASE_URL: z
    .url()
    .default(DEFAULT_TIMELINE_BASE_URL)
    .describe(
      "Where a CDS Hooks card links to a member's care timeline (`<url>/<memberId>`): the gateway's `<GATEWAY_PUBLIC_URL>/timeline`.",
    ),
};

type LiaisonNumber = {
  [Name in keyof typeof liaisonSettingsEnv]: z.output<(typeof liaisonSettingsEnv)[Name]> extends number ? Name : never;
}[keyof typeof liaisonSettingsEnv];

export interface LiaisonConfig {
  rules: RuleConfig;
  escalation: EscalationConfig;
  timerPollMs: number;
  push: PushConfig;
  emergencyAccessMinutes: number;
  /** A member's care timeline is `${timelineBaseUrl}/${memberId}`. */
  timelineBaseUrl: string;
}

/** Thresholds from the environment, each defaulting to DOMAIN.md's value. */
export function liaisonConfigFromEnv(env: NodeJS.ProcessEnv = process.env): LiaisonConfig {
  const num = (name: LiaisonNumber) => {
    const result = liaisonSettingsEnv[name].safeParse(env[name]?.trim() || undefined);
    if (!result.success) throw new Error(`${name} must be a non-negative number`);
    return result.data;
  };
  const timelineBaseUrl = liaisonSettingsEnv.CARE_TIMELINE_BASE_URL.safeParse(
    env['CARE_TIMELINE_BASE_URL']?.trim() || undefined,
  );
  if (!timelineBaseUrl.success) throw new Error('CARE_TIMELINE_BASE_URL must be a URL');
  return {
    rules: {
      ...defaultRuleConfig,
      overloadCap: num('LIAISON_OVERLOAD_CAP'),
      antidepressantWatchDays: num('LIAISON_ANTIDEPRESSANT_WATCH_DAYS'),
      conflictWindowMinutes: num('LIAISON_CONFLICT_WINDOW_MINUTES'),
      mmeInfo: num('LIAISON_MME_INFO'),
      mmeWarning: num('LIAISON_MME_WARNING'),
      doseSessions: num('LIAISON_DOSE_SESSIONS'),
    },
    escalation: {
      criticalAfterMinutes: num('LIAISON_ESCALATE_CRITICAL_MINUTES'),
      warningAfterMinutes: num('LIAISON_ESCALATE_WARNING_MINUTES'),
    },
    timerPollMs: num('LIAISON_TIMER_POLL_MS'),
    push: pushConfig(env, num),
    emergencyAccessMinutes: emergencyAccessMinutes(num('LIAISON_EMERGENCY_ACCESS_MINUTES')),
    timelineBaseUrl: timelineBaseUrl.data.replace(/\/+$/, ''),
  };
}

/** Break-the-glass lasts a bounded while: at least a minute, at most a day. */
function emergencyAccessMinutes(value: number): number {
  if (value < 1 || value > 24 * 60) throw new Error('LIAISON_EMERGENCY_ACCESS_MINUTES must be between 1 and 1440');
  return value;
}

function pushConfig(env: NodeJS.ProcessEnv, num: (name: LiaisonNumber) => number): PushConfig {
  const production = productionMode(env);
  const endpoints = webhookEndpoints(env['LIAISON_WEBHOOK_ENDPOINTS'], production);
  const fhir = fhirEndpoint(env['LIAISON_FHIR_ENDPOINT'], production);
  const secret = env['LIAISON_WEBHOOK_SECRET'] ?? '';
  // Every push is signed, the FHIR endpoint's too: no channel without a secret, in any mode.
  if ((Object.keys(endpoints).length > 0 || fhir !== null) && secret.length < 16) {
    throw new Error('LIAISON_WEBHOOK_SECRET (16+ characters) is required with any LIAISON_*_ENDPOINT*');
  }
  return {
    webhookEndpoints: endpoints,
    webhookSecret: secret,
    fhirEndpoint: fhir,
    // Retries apply to every push channel: jittered exponential from the base, capped, then parked.
    retryBaseMs: num('LIAISON_PUSH_RETRY_BASE_MS'),
    retryMaxMs: num('LIAISON_PUSH_RETRY_MAX_MS'),
    maxAttempts: Math.max(1, num('LIAISON_PUSH_MAX_ATTEMPTS')),
    timeoutMs: num('LIAISON_PUSH_TIMEOUT_MS'),
    leaseMs: pushLeaseMs(num('LIAISON_PUSH_LEASE_MS'), num('LIAISON_PUSH_TIMEOUT_MS')),
  };
}

/** A lease shorter than two timeouts would let no send start, or let another replica claim one mid-send. */
function pushLeaseMs(leaseMs: number, timeoutMs: number): number {
  if (leaseMs <= 0 || leaseMs < 2 * timeoutMs)
    throw new Error('LIAISON_PUSH_LEASE_MS must be above 0 and at least twice LIAISON_PUSH_TIMEOUT_MS');
  return leaseMs;
}
