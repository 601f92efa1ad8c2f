export * from './liaison-deps';
export * from './coordination/coordination.handler';
export * from './alerts/alert-id';
export * from './alerts/raise-alerts';
export * from './alerts/alert-commands.handler';
export * from './integration-events/to-integration-event';
export * from './cds-hooks/cds-services';
