export * from './envelope';
export * from './topics';
export * from './enrollment/enrollment-events';
export * from './fixtures';
