import { defaultEscalationConfig, defaultRuleConfig, type EscalationConfig, type RuleConfig } from '@carecircle/clinician-liaison/domain';
import { IN_PRODUCTION, isLoopbackHost, productionMode } from '@carecircle/platform/service-kit';

export const LIAISON_DEPS = Symbol('LIAISON_DEPS');
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
}

export const hasPushChannels = (config: PushConfig) => Object.keys(config.webhookEndpoints).length > 0 || config.fhirEndpoint !== null;

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
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('LIAISON_WEBHOOK_ENDPOINTS must be a JSON object of role to URL');
  for (const [role, url] of Object.entries(parsed)) {
    if (typeof url !== 'string' || !HTTP_URL.test(url)) throw new Error(`LIAISON_WEBHOOK_ENDPOINTS.${role} must be an http(s) URL`);
    const unsafe = unsafeEndpoint(url, production);
    if (unsafe) throw new Error(`LIAISON_WEBHOOK_ENDPOINTS.${role} ${unsafe}`);
  }
  return parsed as Record<string, string>;
}

function fhirEndpoint(raw: string | undefined, production: boolean): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!HTTP_URL.test(value) || /[?#]/.test(value)) throw new Error('LIAISON_FHIR_ENDPOINT must be the http(s) base URL of a FHIR R4 server');
  const unsafe = unsafeEndpoint(value, production);
  if (unsafe) throw new Error(`LIAISON_FHIR_ENDPOINT ${unsafe}`);
  return value.replace(/\/+$/, '');
}

/** Thresholds from the environment, each defaulting to DOMAIN.md's value. */
export function liaisonConfigFromEnv(env: NodeJS.ProcessEnv = process.env): {
  rules: RuleConfig;
  escalation: EscalationConfig;
  timerPollMs: number;
  push: PushConfig;
  emergencyAccessMinutes: number;
} {
  const num = (name: string, fallback: number) => {
    const raw = env[name];
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
    return value;
  };
  return {
    rules: {
      ...defaultRuleConfig,
      overloadCap: num('LIAISON_OVERLOAD_CAP', defaultRuleConfig.overloadCap),
      antidepressantWatchDays: num('LIAISON_ANTIDEPRESSANT_WATCH_DAYS', defaultRuleConfig.antidepressantWatchDays),
      conflictWindowMinutes: num('LIAISON_CONFLICT_WINDOW_MINUTES', defaultRuleConfig.conflictWindowMinutes),
      mmeInfo: num('LIAISON_MME_INFO', defaultRuleConfig.mmeInfo),
      mmeWarning: num('LIAISON_MME_WARNING', defaultRuleConfig.mmeWarning),
      doseSessions: num('LIAISON_DOSE_SESSIONS', defaultRuleConfig.doseSessions),
    },
    escalation: {
      criticalAfterMinutes: num('LIAISON_ESCALATE_CRITICAL_MINUTES', defaultEscalationConfig.criticalAfterMinutes),
      warningAfterMinutes: num('LIAISON_ESCALATE_WARNING_MINUTES', defaultEscalationConfig.warningAfterMinutes),
    },
    timerPollMs: num('LIAISON_TIMER_POLL_MS', 5_000),
    push: pushConfig(env, num),
    emergencyAccessMinutes: emergencyAccessMinutes(num('LIAISON_EMERGENCY_ACCESS_MINUTES', 240)),
  };
}

/** Break-the-glass lasts a bounded while: at least a minute, at most a day. */
function emergencyAccessMinutes(value: number): number {
  if (value < 1 || value > 24 * 60) throw new Error('LIAISON_EMERGENCY_ACCESS_MINUTES must be between 1 and 1440');
  return value;
}

function pushConfig(env: NodeJS.ProcessEnv, num: (name: string, fallback: number) => number): PushConfig {
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
    retryBaseMs: num('LIAISON_PUSH_RETRY_BASE_MS', 1_000),
    retryMaxMs: num('LIAISON_PUSH_RETRY_MAX_MS', 5 * 60_000),
    maxAttempts: Math.max(1, num('LIAISON_PUSH_MAX_ATTEMPTS', 12)),
    timeoutMs: num('LIAISON_PUSH_TIMEOUT_MS', 5_000),
  };
}
