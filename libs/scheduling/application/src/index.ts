export * from './scheduling.deps';
export * from './groups/group-commands.handler';
export * from './groups/group-views';
export * from './attendance/record-attendance.handler';
export * from './therapeutic-load/member-load.handler';
export * from './therapeutic-load/reassess-load.handler';
export * from './calendar/ical-feed';
export * from './integration-events/to-integration-event';
