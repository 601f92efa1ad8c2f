import { CreateSmartAssertionTable1764500000000 } from './1764500000000-create-smart-assertion-table';

export { CreateSmartAssertionTable1764500000000 };
export const authMigrations = [CreateSmartAssertionTable1764500000000];
export * from './assertion-replay';
