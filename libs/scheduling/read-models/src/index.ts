export * from './roster/roster-entry.entity';
export * from './roster/roster.projection';
export * from './roster/roster.queries';
export * from './roster/migrations/1764200000000-create-roster';
import { CreateRoster1764200000000 } from './roster/migrations/1764200000000-create-roster';
import { GroupRosterSummaryRow, RosterEntryRow } from './roster/roster-entry.entity';

export const schedulingReadModelMigrations = [CreateRoster1764200000000];
export const schedulingReadModelEntities = [RosterEntryRow, GroupRosterSummaryRow];
