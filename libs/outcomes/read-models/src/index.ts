import { CreateOutcomesCohort1764300000000 } from './cohort/migrations/1764300000000-create-outcomes-cohort';
import { KeepWhatAMeasureCorrects1797100000000 } from './cohort/migrations/1797100000000-keep-what-a-measure-corrects';

export * from './cohort/cohort.projection';
export * from './cohort/cohort.rebuild';
export * from './cohort/cohort.routes';
export * from './cohort/migrations/1764300000000-create-outcomes-cohort';
export * from './cohort/migrations/1797100000000-keep-what-a-measure-corrects';

export const outcomesReadModelMigrations = [CreateOutcomesCohort1764300000000, KeepWhatAMeasureCorrects1797100000000];
