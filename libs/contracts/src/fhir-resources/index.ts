// The FHIR R4 resources CareCircle writes about its own facts, one mapping for every writer.
export * from './references';
export * from './alert-resources';
export * from './measure-observation';
