export * from './roster/roster-entry.entity';
export * from './roster/roster.projection';
export * from './roster/roster.queries';
export * from './roster/migrations/1764200000000-create-roster';
export * from './upcoming-sessions/upcoming-sessions.projection';
export * from './upcoming-sessions/migrations/1764300000000-create-upcoming-sessions';
import { CreateRoster1764200000000 } from './roster/migrations/1764200000000-create-roster';
import { GroupRosterSummaryRow, RosterEntryRow } from './roster/roster-entry.entity';
import { CreateUpcomingSessions1764300000000 } from './upcoming-sessions/migrations/1764300000000-create-upcoming-sessions';

export const schedulingReadModelMigrations = [CreateRoster1764200000000, CreateUpcomingSessions1764300000000];
export const schedulingReadModelEntities = [RosterEntryRow, GroupRosterSummaryRow];
