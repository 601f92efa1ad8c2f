import { IndexSourceEventsForFhirReads1764620000000 } from './1764620000000-index-source-events-for-fhir-reads';

export { IndexSourceEventsForFhirReads1764620000000 };
export const fhirReadMigrations = [IndexSourceEventsForFhirReads1764620000000];
export * from './fhir-read.queries';
