/**
 * Scheduling's thresholds (DOMAIN.md). Configuration with these defaults, never literals in the rules.
 */
export interface SchedulingPolicy {
  /** Sessions attended that make a dose (DOMAIN.md: at least 6). */
  doseSessions: number;
  /** Structured therapeutic contacts allowed in any rolling window (DOMAIN.md rule 7: default 3). */
  therapeuticLoadCap: number;
  /** Length of the rolling load window in days (DOMAIN.md rule 7: 7). */
  loadWindowDays: number;
  /** A group session this close to another appointment is a conflict too (DOMAIN.md rule 8: configurable). */
  conflictWindowMinutes: number;
}

export const defaultSchedulingPolicy: SchedulingPolicy = {
  doseSessions: 6,
  therapeuticLoadCap: 3,
  loadWindowDays: 7,
  conflictWindowMinutes: 30,
};
