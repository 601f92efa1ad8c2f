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
export { foldLog } from './log-fold';
export { progressBar, reportRebuild, type RebuildLogFields, type RebuildReporting } from './rebuild-report';
