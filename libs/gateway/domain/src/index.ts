export * from './member-record/member-record';
export * from './member-record/member-record.decider';
export * from './timeline';
