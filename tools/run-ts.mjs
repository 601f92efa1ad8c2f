// Runs one TypeScript entry point (benchmarks, one-off tools) through SWC with the workspace's path aliases.
import { spawnSync } from 'node:child_process';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node tools/run-ts.mjs <file.ts> [args…]');
  process.exit(2);
}
const result = spawnSync(
  process.execPath,
  ['--require', '@swc-node/register', '--require', 'reflect-metadata', entry, ...args],
  { stdio: 'inherit', env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.base.json' } },
);
process.exit(result.status ?? 1);
