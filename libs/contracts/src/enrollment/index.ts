export * from './enrollment-events';
export { enrollmentFixtures } from './enrollment-fixtures';
