export * from './roster/roster-entry.entity';
export * from './roster/roster.projection';
export * from './roster/roster.queries';
export * from './roster/roster.rebuild';
export * from './roster/migrations/1764200000000-create-roster';
export * from './upcoming-sessions/upcoming-sessions.projection';
export * from './upcoming-sessions/upcoming-sessions.rebuild';
export * from './upcoming-sessions/migrations/1764300000000-create-upcoming-sessions';
export * from './load-reassessment/pending-load-reassessment';
export * from './load-reassessment/migrations/1764400000000-create-pending-load-reassessment';
import { CreateRoster1764200000000 } from './roster/migrations/1764200000000-create-roster';
import { GroupRosterSummaryRow, RosterEntryRow } from './roster/roster-entry.entity';
import { CreateUpcomingSessions1764300000000 } from './upcoming-sessions/migrations/1764300000000-create-upcoming-sessions';
import { CreatePendingLoadReassessment1764400000000 } from './load-reassessment/migrations/1764400000000-create-pending-load-reassessment';

export const schedulingReadModelMigrations = [
  CreateRoster1764200000000,
  CreateUpcomingSessions1764300000000,
  CreatePendingLoadReassessment1764400000000,
];
export const schedulingReadModelEntities = [RosterEntryRow, GroupRosterSummaryRow];
