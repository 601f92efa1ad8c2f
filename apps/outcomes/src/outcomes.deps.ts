import { z } from 'zod';
import { defaultOutcomesConfig, type OutcomesConfig } from '@carecircle/outcomes/domain';
import { readServiceEnv } from '@carecircle/platform/service-kit';

export const OUTCOMES_DEPS = Symbol('OUTCOMES_DEPS');

/** DOMAIN.md's defaults, with the cohort settings overridable per deployment. */
export const outcomesSettingsEnv = {
  OUTCOMES_DOSE_SESSIONS: z.coerce
    .number()
    .int()
    .min(1)
    .default(defaultOutcomesConfig.doseSessions)
    .describe('Sessions attended that count as a dose in cohort reports.'),
  OUTCOMES_SMALL_CELL_THRESHOLD: z.coerce
    .number()
    .int()
    .min(1)
    .default(defaultOutcomesConfig.smallCellThreshold)
    .describe('Cohort cells with fewer members than this are suppressed in exports.'),
};

export function readOutcomesConfig(env: NodeJS.ProcessEnv = process.env): OutcomesConfig {
  const parsed = readServiceEnv(outcomesSettingsEnv, env);
  return {
    ...defaultOutcomesConfig,
    doseSessions: parsed.OUTCOMES_DOSE_SESSIONS,
    smallCellThreshold: parsed.OUTCOMES_SMALL_CELL_THRESHOLD,
  };
}
