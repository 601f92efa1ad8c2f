export * from './terminology/medication-terminology';
export * from './coordination/coordination';
export * from './coordination/coordination.decider';
export * from './rules/rule-config';
export * from './rules/finding';
export * from './rules/rules';
export * from './alert/alert';
export * from './alert/alert.decider';
