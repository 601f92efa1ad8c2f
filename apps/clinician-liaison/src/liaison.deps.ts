import { defaultEscalationConfig, defaultRuleConfig, type EscalationConfig, type RuleConfig } from '@carecircle/clinician-liaison/domain';

export const LIAISON_DEPS = Symbol('LIAISON_DEPS');
export const PUSH_CONFIG = Symbol('PUSH_CONFIG');

/**
 * Push delivery, one durable queue for every channel: a signed webhook per recipient role and, when
 * configured, a FHIR endpoint that receives each alert's Communication (and DetectedIssue).
 */
export interface PushConfig {
  webhookEndpoints: Record<string, string>;
  webhookSecret: string;
  /** FHIR base URL (no trailing slash): resources are POSTed to `<base>/<resourceType>`. */
  fhirEndpoint: string | null;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
}

export const hasPushChannels = (config: PushConfig) => Object.keys(config.webhookEndpoints).length > 0 || config.fhirEndpoint !== null;

const HTTP_URL = /^https?:\/\/[^\s/]+/;

function webhookEndpoints(raw: string | undefined): Record<string, string> {
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
  }
  return parsed as Record<string, string>;
}

function fhirEndpoint(raw: string | undefined): string | null {
  const value = raw?.trim();
  if (!value) return null;
  if (!HTTP_URL.test(value) || /[?#]/.test(value)) throw new Error('LIAISON_FHIR_ENDPOINT must be the http(s) base URL of a FHIR R4 server');
  return value.replace(/\/+$/, '');
}

/** Thresholds from the environment, each defaulting to DOMAIN.md's value. */
export function liaisonConfigFromEnv(env: NodeJS.ProcessEnv = process.env): { rules: RuleConfig; escalation: EscalationConfig; timerPollMs: number; push: PushConfig } {
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
  };
}

function pushConfig(env: NodeJS.ProcessEnv, num: (name: string, fallback: number) => number): PushConfig {
  const endpoints = webhookEndpoints(env['LIAISON_WEBHOOK_ENDPOINTS']);
  const secret = env['LIAISON_WEBHOOK_SECRET'] ?? '';
  if (Object.keys(endpoints).length > 0 && secret.length < 16) throw new Error('LIAISON_WEBHOOK_SECRET must be at least 16 characters when webhooks are configured');
  return {
    webhookEndpoints: endpoints,
    webhookSecret: secret,
    fhirEndpoint: fhirEndpoint(env['LIAISON_FHIR_ENDPOINT']),
    // Retries apply to every push channel: exponential from the base, capped.
    retryBaseMs: num('LIAISON_PUSH_RETRY_BASE_MS', 1_000),
    retryMaxMs: num('LIAISON_PUSH_RETRY_MAX_MS', 5 * 60_000),
    timeoutMs: num('LIAISON_PUSH_TIMEOUT_MS', 5_000),
  };
}
