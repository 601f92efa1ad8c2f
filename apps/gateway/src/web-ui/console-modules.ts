import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The console's browser code: TypeScript ES modules in ./console, compiled by the build (tools/build.mjs). */
const SOURCE = join(__dirname, 'console');

export interface ConsoleModules {
  /** Names this build of the modules: their URLs carry it, so a browser may keep them as long as it likes. */
  readonly version: string;
  /** Each module's code by file name (`main.js`, …). */
  readonly files: ReadonlyMap<string, string>;
}

/**
 * The console's modules, as the browser loads them from `/ui/console/<version>/`. From the build's output
 * when there is one (dist/, the image); run from source (Jest, tools/run-ts.mjs) they are compiled here
 * once, with the build's own SWC options.
 */
export function loadConsoleModules(): ConsoleModules {
  const names = readdirSync(SOURCE).sort();
  const built = names.filter((name) => name.endsWith('.js'));
  const files = new Map(
    built.length ? built.map((name) => [name, readFileSync(join(SOURCE, name), 'utf8')] as const) : compiled(names),
  );
  const hash = createHash('sha256');
  for (const [name, code] of files) hash.update(name).update('\0').update(code).update('\0');
  return { version: hash.digest('hex').slice(0, 16), files };
}

function compiled(names: readonly string[]): [string, string][] {
  const options = JSON.parse(readFileSync(join(SOURCE, 'browser.swcrc'), 'utf8')) as Record<string, unknown>;
  delete options['$schema'];
  // A development dependency, present wherever the sources are run directly.
  const swc = require('@swc/core') as typeof import('@swc/core');
  return names
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.spec.ts'))
    .map((name) => [
      name.replace(/\.ts$/, '.js'),
      swc.transformSync(readFileSync(join(SOURCE, name), 'utf8'), { ...options, filename: name, swcrc: false }).code,
    ]);
}
