/** Every threshold of DOMAIN.md's coordination rules, with the documented defaults. */
export interface RuleConfig {
  /** Rule 1: antidepressant alerts become critical below this age (FDA boxed warning, 18-24 extension). */
  antidepressantCriticalUnderAge: number;
  /** Rule 1: joining a group this many days from an antidepressant change counts as a change while in a group. */
  antidepressantWatchDays: number;
  /** Rule 4: gabapentinoid + opioid/CNS depressant is critical from this age. */
  elderlyAge: number;
  /** Rule 6: MME/day bands (CDC 2016). */
  mmeInfo: number;
  mmeWarning: number;
  /** Rule 7: structured therapeutic contacts allowed in any rolling window. */
  overloadCap: number;
  overloadWindowDays: number;
  /** Rule 8: a group session this close (minutes) to another appointment is a conflict. */
  conflictWindowMinutes: number;
  /** Rule 9: meaningful worsening per instrument (points). */
  meaningfulWorsening: { 'PHQ-9': number; 'GAD-7': number; 'PCL-5': number };
  /** Rule 10: ZBI-22 caregiver burden. */
  zbiThreshold: number;
  /** Rule 11: the dose (sessions attended). */
  doseSessions: number;
}

export const defaultRuleConfig: RuleConfig = {
  antidepressantCriticalUnderAge: 25,
  antidepressantWatchDays: 28,
  elderlyAge: 65,
  mmeInfo: 50,
  mmeWarning: 90,
  overloadCap: 3,
  overloadWindowDays: 7,
  conflictWindowMinutes: 60,
  meaningfulWorsening: { 'PHQ-9': 5, 'GAD-7': 4, 'PCL-5': 10 },
  zbiThreshold: 41,
  doseSessions: 6,
};

/** Alert lifecycle timers (minutes): unacknowledged alerts escalate to the next care-team member. */
export interface EscalationConfig {
  criticalAfterMinutes: number;
  warningAfterMinutes: number;
}

export const defaultEscalationConfig: EscalationConfig = { criticalAfterMinutes: 30, warningAfterMinutes: 24 * 60 };
