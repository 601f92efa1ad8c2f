export * from './roster/roster-entry';
export * from './policy/scheduling-policy';
export * from './group/group';
export * from './group/course-sessions';
export * from './group/group.decider';
export * from './load/member-load';
export * from './load/load-window';
export * from './load/member-load.decider';
