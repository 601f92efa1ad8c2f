import { CreateGatewayTables1764300000000 } from './migrations/1764300000000-create-gateway-tables';
import { AggregateAuditDenials1764930000000 } from './migrations/1764930000000-aggregate-audit-denials';
import { CreateIdentityReview1764913130000 } from './migrations/1764913130000-create-identity-review';
import { timelineMigrations } from './timeline';
import { authMigrations } from './auth';
import { fhirReadMigrations } from './fhir-read';
import { careConsoleMigrations } from './care-console';

export { CreateGatewayTables1764300000000 };
export { AggregateAuditDenials1764930000000 };
/** The gateway's own tables (identities, audit), after the event store's and messaging's. */
export const gatewayMigrations = [
  CreateGatewayTables1764300000000,
  ...timelineMigrations,
  ...authMigrations,
  ...fhirReadMigrations,
  CreateIdentityReview1764913130000,
  AggregateAuditDenials1764930000000,
  ...careConsoleMigrations,
];
export * from './timeline';
export * from './auth';
export * from './care-console';
export * from './fhir-read';
