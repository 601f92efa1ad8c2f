import { defaultEscalationConfig, defaultRuleConfig, type EscalationConfig, type RuleConfig } from '@carecircle/clinician-liaison/domain';

export const LIAISON_DEPS = Symbol('LIAISON_DEPS');

/** Thresholds from the environment, each defaulting to DOMAIN.md's value. */
export function liaisonConfigFromEnv(env: NodeJS.ProcessEnv = process.env): { rules: RuleConfig; escalation: EscalationConfig; timerPollMs: number } {
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
  };
}
