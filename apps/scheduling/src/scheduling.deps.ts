import { z } from 'zod';
import { readServiceEnv } from '@carecircle/platform/service-kit';
import { defaultSchedulingPolicy, type SchedulingPolicy } from '@carecircle/scheduling/domain';

export const SCHEDULING_DEPS = Symbol('SCHEDULING_DEPS');

const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** DOMAIN.md's thresholds, overridable per deployment; defaults as documented. */
export function readSchedulingPolicy(env: NodeJS.ProcessEnv = process.env): SchedulingPolicy {
  const parsed = readServiceEnv(
    {
      SCHEDULING_DOSE_SESSIONS: positive(defaultSchedulingPolicy.doseSessions),
      SCHEDULING_LOAD_CAP: positive(defaultSchedulingPolicy.therapeuticLoadCap),
      SCHEDULING_LOAD_WINDOW_DAYS: positive(defaultSchedulingPolicy.loadWindowDays),
      SCHEDULING_CONFLICT_WINDOW_MINUTES: z.coerce.number().int().min(0).default(defaultSchedulingPolicy.conflictWindowMinutes),
    },
    env,
  );
  return {
    doseSessions: parsed.SCHEDULING_DOSE_SESSIONS,
    therapeuticLoadCap: parsed.SCHEDULING_LOAD_CAP,
    loadWindowDays: parsed.SCHEDULING_LOAD_WINDOW_DAYS,
    conflictWindowMinutes: parsed.SCHEDULING_CONFLICT_WINDOW_MINUTES,
  };
}

export const LOAD_REASSESSMENT_POLL_MS = Symbol('LOAD_REASSESSMENT_POLL_MS');

/** How often owed load reassessments are looked for (ms); 0 turns the loop off (tests drive it by hand). */
export function readLoadReassessmentPollMs(env: NodeJS.ProcessEnv = process.env): number {
  return readServiceEnv({ SCHEDULING_REASSESS_POLL_MS: z.coerce.number().int().min(0).default(250) }, env).SCHEDULING_REASSESS_POLL_MS;
}
