import { z } from 'zod';
import { defaultOutcomesConfig, type OutcomesConfig } from '@carecircle/outcomes/domain';

export const OUTCOMES_DEPS = Symbol('OUTCOMES_DEPS');

/** DOMAIN.md's defaults, with the cohort settings overridable per deployment. */
export function readOutcomesConfig(env: NodeJS.ProcessEnv = process.env): OutcomesConfig {
  const parsed = z
    .object({
      OUTCOMES_DOSE_SESSIONS: z.coerce.number().int().min(1).default(defaultOutcomesConfig.doseSessions),
      OUTCOMES_SMALL_CELL_THRESHOLD: z.coerce.number().int().min(1).default(defaultOutcomesConfig.smallCellThreshold),
    })
    .parse(env);
  return { ...defaultOutcomesConfig, doseSessions: parsed.OUTCOMES_DOSE_SESSIONS, smallCellThreshold: parsed.OUTCOMES_SMALL_CELL_THRESHOLD };
}
