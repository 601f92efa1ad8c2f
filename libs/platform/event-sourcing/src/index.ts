export * from './handle-command';
export * from './system-clock';
