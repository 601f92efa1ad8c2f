import { z } from 'zod';
import { readServiceEnv } from '@carecircle/platform/service-kit';
import { defaultSchedulingPolicy, type SchedulingPolicy } from '@carecircle/scheduling/domain';

export const SCHEDULING_DEPS = Symbol('SCHEDULING_DEPS');

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** DOMAIN.md's thresholds, overridable per deployment; defaults as documented. */
export const schedulingPolicyEnv = {
  SCHEDULING_DOSE_SESSIONS: positive(defaultSchedulingPolicy.doseSessions).describe(
    'Sessions attended that make a dose (DOMAIN.md: at least 6).',
  ),
  SCHEDULING_LOAD_CAP: positive(defaultSchedulingPolicy.therapeuticLoadCap).describe(
    'Structured therapeutic contacts allowed in any rolling window (DOMAIN.md rule 7).',
  ),
  SCHEDULING_LOAD_WINDOW_DAYS: positive(defaultSchedulingPolicy.loadWindowDays).describe(
    'Length of the rolling load window in days (DOMAIN.md rule 7).',
  ),
  SCHEDULING_CONFLICT_WINDOW_MINUTES: z.coerce
    .number()
    .int()
    .min(0)
    .default(defaultSchedulingPolicy.conflictWindowMinutes)
    .describe('A group session this close to another appointment is a conflict too (DOMAIN.md rule 8).'),
};

export function readSchedulingPolicy(env: NodeJS.ProcessEnv = process.env): SchedulingPolicy {
  const parsed = readServiceEnv(schedulingPolicyEnv, env);
  return {
    doseSessions: parsed.SCHEDULING_DOSE_SESSIONS,
    therapeuticLoadCap: parsed.SCHEDULING_LOAD_CAP,
    loadWindowDays: parsed.SCHEDULING_LOAD_WINDOW_DAYS,
    conflictWindowMinutes: parsed.SCHEDULING_CONFLICT_WINDOW_MINUTES,
  };
}

export const LOAD_REASSESSMENT_POLL_MS = Symbol('LOAD_REASSESSMENT_POLL_MS');

export const loadReassessmentEnv = {
  SCHEDULING_REASSESS_POLL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(250)
    .describe('How often owed load reassessments are looked for (ms); 0 turns the loop off (tests drive it by hand).'),
};

/** How often owed load reassessments are looked for (ms); 0 turns the loop off (tests drive it by hand). */
export function readLoadReassessmentPollMs(env: NodeJS.ProcessEnv = process.env): number {
  return readServiceEnv(loadReassessmentEnv, env).SCHEDULING_REASSESS_POLL_MS;
}
