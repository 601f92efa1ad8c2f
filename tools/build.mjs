// Compiles apps/, libs/ and tools/ with SWC into dist/ (path aliases rewritten to relative requires).
// Type checking is separate: `npm run typecheck`.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
execFileSync(
  process.execPath,
  ['node_modules/@swc/cli/bin/swc.js', 'apps', 'libs', 'tools', '-d', 'dist', '--copy-files', '--ignore', '**/*.spec.ts', '--quiet'],
  { stdio: 'inherit' },
);
