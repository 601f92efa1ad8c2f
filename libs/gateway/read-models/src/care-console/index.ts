import { CreateStaffIdentity1765000000000 } from './migrations/1765000000000-create-staff-identity';

export * from './care-console.queries';
export * from './people.queries';
export const careConsoleMigrations = [CreateStaffIdentity1765000000000];
