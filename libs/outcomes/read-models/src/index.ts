import { CreateOutcomesCohort1764300000000 } from './cohort/migrations/1764300000000-create-outcomes-cohort';

export * from './cohort/cohort.projection';
export * from './cohort/migrations/1764300000000-create-outcomes-cohort';

export const outcomesReadModelMigrations = [CreateOutcomesCohort1764300000000];
