import { AlertRow } from './alerts/alert.entity';
import { CreateLiaisonAlerts1764500000000 } from './alerts/migrations/1764500000000-create-liaison-alerts';

export * from './alerts/alert.entity';
export * from './alerts/alert.projection';
export * from './alerts/migrations/1764500000000-create-liaison-alerts';

export const liaisonReadModelMigrations = [CreateLiaisonAlerts1764500000000];
export const liaisonReadModelEntities = [AlertRow];
