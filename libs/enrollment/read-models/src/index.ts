import { CatalogueGroupRow } from './catalogue/catalogue-group.entity';
import { CreateGroupCatalogue1764300000000 } from './catalogue/migrations/1764300000000-create-group-catalogue';
import { SeatKeeping1764400000000 } from './catalogue/migrations/1764400000000-seat-keeping';
import { GroupOpeningsApart1797300000000 } from './catalogue/migrations/1797300000000-group-openings-apart';
import { ConsentLapseSchedule1764500000000 } from './consent-lapse/migrations/1764500000000-consent-lapse-schedule';

export * from './catalogue/catalogue-group.entity';
export * from './catalogue/group-catalogue.projection';
export * from './catalogue/migrations/1764300000000-create-group-catalogue';
export * from './catalogue/migrations/1764400000000-seat-keeping';
export * from './catalogue/migrations/1797300000000-group-openings-apart';
export * from './catalogue/group-catalogue.rebuild';
export * from './consent-lapse/consent-lapse-schedule';
export * from './consent-lapse/migrations/1764500000000-consent-lapse-schedule';

export const enrollmentReadModelMigrations = [
  CreateGroupCatalogue1764300000000,
  SeatKeeping1764400000000,
  ConsentLapseSchedule1764500000000,
  GroupOpeningsApart1797300000000,
];
export const enrollmentReadModelEntities = [CatalogueGroupRow];
