export { sqlOf, sqlOfPool, type Sql } from './sql';
export {
  RebuildAlreadyRunningError,
  rebuildIntoShadows,
  shadowSchemaOf,
  type FoldRange,
  type RebuildProgress,
  type ShadowProjection,
  type ShadowRebuildOptions,
} from './shadow-rebuild';
export {
  countLogEvents,
  foldLog,
  logShadowProjection,
  type LogProjection,
  type ServiceRebuildOptions,
} from './log-fold';
export { runRebuildCommand, runRebuildFromEnvironment, type RebuildCommand } from './run-rebuild-command';
export { progressBar, reportRebuild, type RebuildLogFields, type RebuildReporting } from './rebuild-report';
