export * from './care-console.queries';
