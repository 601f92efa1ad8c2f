import { defaultEscalationConfig, defaultRuleConfig, type EscalationConfig, type RuleConfig } from '@carecircle/clinician-liaison/domain';

export const LIAISON_DEPS = Symbol('LIAISON_DEPS');
export const WEBHOOK_CONFIG = Symbol('WEBHOOK_CONFIG');

/** Push delivery: one webhook endpoint per recipient role, signed with the shared secret. */
export interface WebhookConfig {
  endpoints: Record<string, string>;
  secret: string;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
}

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
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`LIAISON_WEBHOOK_ENDPOINTS.${role} must be an http(s) URL`);
  }
  return parsed as Record<string, string>;
}

/** Thresholds from the environment, each defaulting to DOMAIN.md's value. */
export function liaisonConfigFromEnv(env: NodeJS.ProcessEnv = process.env): { rules: RuleConfig; escalation: EscalationConfig; timerPollMs: number; webhooks: WebhookConfig } {
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
    webhooks: webhookConfig(env, num),
  };
}

function webhookConfig(env: NodeJS.ProcessEnv, num: (name: string, fallback: number) => number): WebhookConfig {
  const endpoints = webhookEndpoints(env['LIAISON_WEBHOOK_ENDPOINTS']);
  const secret = env['LIAISON_WEBHOOK_SECRET'] ?? '';
  if (Object.keys(endpoints).length > 0 && secret.length < 16) throw new Error('LIAISON_WEBHOOK_SECRET must be at least 16 characters when webhooks are configured');
  return {
    endpoints,
    secret,
    retryBaseMs: num('LIAISON_WEBHOOK_RETRY_BASE_MS', 1_000),
    retryMaxMs: num('LIAISON_WEBHOOK_RETRY_MAX_MS', 5 * 60_000),
    timeoutMs: num('LIAISON_WEBHOOK_TIMEOUT_MS', 5_000),
  };
}
