import { CreateTimelineTables1764400000000 } from './1764400000000-create-timeline-tables';

export { CreateTimelineTables1764400000000 };
export const timelineMigrations = [CreateTimelineTables1764400000000];
export * from './timeline.projection';
export * from './timeline.queries';
