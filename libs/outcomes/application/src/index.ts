export * from './request-context';
export * from './outcomes.deps';
export * from './record-measure/record-measure.handler';
export * from './correct-measure/correct-measure.handler';
export * from './member-trajectory/member-trajectory.query';
export * from './integration-events/to-integration-event';
export * from './fhir/fhir-mapping';
export * from './gateway/gateway-ingest';
