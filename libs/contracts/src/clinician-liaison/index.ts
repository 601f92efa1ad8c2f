import { clinicianLiaisonEventList } from './clinician-liaison-events';

export * from './clinician-liaison-events';
export { clinicianLiaisonFixtures } from './clinician-liaison-fixtures';
export const clinicianLiaisonEvents = clinicianLiaisonEventList;
