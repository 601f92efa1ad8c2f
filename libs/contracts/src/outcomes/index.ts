export * from './outcomes-events';
export { outcomesFixtures } from './outcomes-fixtures';
