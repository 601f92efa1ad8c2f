import { AlertRow } from './alerts/alert.entity';
import { CreateLiaisonAlerts1764500000000 } from './alerts/migrations/1764500000000-create-liaison-alerts';
import { CreateLiaisonDeliveries1764600000000 } from './delivery/migrations/1764600000000-create-liaison-deliveries';
import { ParkLiaisonDeliveries1764950000000 } from './delivery/migrations/1764950000000-park-liaison-deliveries';
import { LeaseLiaisonDeliveriesPerReplica1797000000000 } from './delivery/migrations/1797000000000-lease-liaison-deliveries-per-replica';

export * from './alerts/alert.entity';
export * from './alerts/alert.projection';
export * from './alerts/alert.rebuild';
export * from './alerts/migrations/1764500000000-create-liaison-alerts';
export * from './delivery/delivery-log';
export * from './delivery/migrations/1764600000000-create-liaison-deliveries';
export * from './delivery/migrations/1764950000000-park-liaison-deliveries';
export * from './delivery/migrations/1797000000000-lease-liaison-deliveries-per-replica';

export const liaisonReadModelMigrations = [
  CreateLiaisonAlerts1764500000000,
  CreateLiaisonDeliveries1764600000000,
  ParkLiaisonDeliveries1764950000000,
  LeaseLiaisonDeliveriesPerReplica1797000000000,
];
export const liaisonReadModelEntities = [AlertRow];
