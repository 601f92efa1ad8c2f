export * from './instruments/instrument';
export * from './instruments/scorers';
export * from './member-outcomes/member-outcomes';
export * from './member-outcomes/member-outcomes.decider';
export * from './member-outcomes/trajectory';
export * from './cohort/cohort-report';
