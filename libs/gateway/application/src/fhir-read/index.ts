export * from './fhir-read-references';
export * from './alert-resources';
export * from './measure-observation';
export * from './group-resources';
export * from './fhir-search';
export * from './read-fhir-resources';
export * from './encounter-resources';
