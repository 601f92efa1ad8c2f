import { CreateGatewayTables1764300000000 } from './migrations/1764300000000-create-gateway-tables';
import { timelineMigrations } from './timeline';
import { authMigrations } from './auth';
import { fhirReadMigrations } from './fhir-read';

export { CreateGatewayTables1764300000000 };
/** The gateway's own tables (identities, audit), after the event store's and messaging's. */
export const gatewayMigrations = [CreateGatewayTables1764300000000, ...timelineMigrations, ...authMigrations, ...fhirReadMigrations];
export * from './timeline';
export * from './auth';
export * from './care-console';
export * from './fhir-read';
