// Compiles apps/, libs/ and tools/ with SWC into dist/ (path aliases rewritten to relative requires).
// Type checking is separate: `npm run typecheck`.
import { execFileSync } from 'node:child_process';

// dist/ is overwritten in place, not deleted first: a build must not pull files from under a
// service another process is running from it. A clean build is `rm -rf dist && npm run build`.
execFileSync(
  process.execPath,
  [
    'node_modules/@swc/cli/bin/swc.js',
    'apps',
    'libs',
    'tools',
    '-d',
    'dist',
    '--copy-files',
    '--ignore',
    '**/*.spec.ts',
    '--quiet',
  ],
  { stdio: 'inherit' },
);
