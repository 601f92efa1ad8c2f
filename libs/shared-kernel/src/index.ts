export * from './decider';
export * from './domain-error';
export * from './clock';
export * from './decider-specification';
export * from './medication-terminology';
