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
export { countLogEvents, foldLog, logShadowProjection, type LogProjection, type LogRebuildOptions } from './log-fold';
export { runLogRebuild, runRebuildFromEnvironment, type LogRebuildCommand } from './run-log-rebuild';
export { progressBar, reportRebuild, type RebuildLogFields, type RebuildReporting } from './rebuild-report';
