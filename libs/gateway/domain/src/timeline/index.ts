export * from './timeline-entry';
export * from './timeline.evolve';
export * from './timeline.access';
export { drugName } from './drug-names';
export * from './timeline-sentence';
