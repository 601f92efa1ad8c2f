export * from './envelope';
export * from './topics';
export * from './enrollment';
export * from './scheduling';
export * from './clinician-liaison';
export * from './outcomes';
export * from './gateway';
export * from './fixtures';
