// Compiles apps/, libs/ and tools/ with SWC into dist/ (path aliases rewritten to relative requires), and
// the care console's browser code (apps/gateway/src/web-ui/console) to ES modules beside it.
// Type checking is separate: `npm run typecheck`.
import { execFileSync } from 'node:child_process';

const BROWSER = 'apps/gateway/src/web-ui/console';
const swc = (args) =>
  execFileSync(process.execPath, ['node_modules/@swc/cli/bin/swc.js', ...args], { stdio: 'inherit' });

// dist/ is overwritten in place, not deleted first: a build must not pull files from under a
// service another process is running from it. A clean build is `rm -rf dist && npm run build`.
swc([
  'apps',
  'libs',
  'tools',
  '-d',
  'dist',
  '--copy-files',
  '--ignore',
  '**/*.spec.ts',
  '--ignore',
  `${BROWSER}/**`,
  '--quiet',
]);
swc([BROWSER, '-d', 'dist', '--config-file', `${BROWSER}/browser.swcrc`, '--ignore', '**/*.spec.ts', '--quiet']);
