import { clinicianLiaisonEvents, clinicianLiaisonFixtures } from './clinician-liaison';
import { enrollmentEvents, enrollmentFixtures } from './enrollment';
import { gatewayEvents, gatewayFixtures } from './gateway';
import { outcomesEvents, outcomesFixtures } from './outcomes';
import { schedulingEvents, schedulingFixtures } from './scheduling';

/**
 * One canonical, synthetic example of every integration event. Producers' contract tests check that
 * what they publish parses like these; consumers' tests feed these in when the producer is not running.
 */
export const fixtures = {
  ...enrollmentFixtures,
  ...schedulingFixtures,
  ...clinicianLiaisonFixtures,
  ...outcomesFixtures,
  ...gatewayFixtures,
};

/** Every event definition on the bus, for contract tests and consumers' registries. */
export const allEventDefinitions = [
  ...enrollmentEvents,
  ...schedulingEvents,
  ...clinicianLiaisonEvents,
  ...outcomesEvents,
  ...gatewayEvents,
] as const;
