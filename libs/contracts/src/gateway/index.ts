export * from './gateway-events';
export { gatewayFixtures } from './gateway-fixtures';
