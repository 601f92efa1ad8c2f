export * from './care-console.access';
export * from './care-console.alerts';
export * from './care-console.sessions';
export * from './upstream-error';
export * from './care-console.outcomes';
export * from './care-console.distress';
export * from './care-console.group-session';
export * from './care-console.names';
