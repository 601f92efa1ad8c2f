export * from './scheduling-events';
export { schedulingFixtures } from './scheduling-fixtures';
