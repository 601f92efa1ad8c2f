export * from './wait-for';
export * from './local-infrastructure/kafka-mock-cluster';
export * from './local-infrastructure/postgres';
export * from './local-infrastructure/embedded-postgres';
export * from './http-json';
export * from './care-flow-client';
export * from './bench';
