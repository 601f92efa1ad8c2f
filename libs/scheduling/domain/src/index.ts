export * from './roster/roster-entry';
