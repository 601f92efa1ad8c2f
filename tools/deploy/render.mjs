// `npm run deploy:render`: renders each kustomization in deploy/k8s with `kubectl kustomize` (offline),
// validates every object against the Kubernetes API schemas bundled in the kubernetes-models package,
// and writes <out>/<name>.yaml (default out: dist/deploy). Exits 1 naming every invalid object.
// kubectl: $KUBECTL, else the one on PATH (CI installs Debian's kubernetes-client when there is none).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** What is rendered: name → kustomization directory. */
export const KUSTOMIZATIONS = {
  dev: 'deploy/k8s/overlays/dev',
  prod: 'deploy/k8s/overlays/prod',
  'data-plane': 'deploy/k8s/data-plane',
};

// kustomize v5 warns about the v2 fields the manifests keep for Debian's kubectl 1.20 (kustomize v2).
const KNOWN_DEPRECATION = /^# Warning: '(bases|patchesStrategicMerge)' is deprecated/;

function kustomize(directory, kubectl) {
  const result = spawnSync(kubectl, ['kustomize', join(root, directory)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    throw new Error(
      `${kubectl} could not run (${result.error.message}): install kubectl (Debian: apt-get install kubernetes-client) or set KUBECTL`,
    );
  }
  const stderr = result.stderr.split('\n').filter((line) => line.trim() && !KNOWN_DEPRECATION.test(line));
  if (result.status !== 0) throw new Error(`kubectl kustomize ${directory} failed:\n${stderr.join('\n')}`);
  for (const line of stderr) console.warn(`${directory}: ${line}`);
  return result.stdout;
}

/** `apps/v1` + `Deployment` → its kubernetes-models class; core objects (`v1`) sit at the package's root. */
async function modelOf(apiVersion, kind) {
  try {
    const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
    return module[kind];
  } catch {
    return undefined;
  }
}

/** Every schema problem of the rendered objects, one line each; an object of an unknown kind is one too. */
export async function schemaProblems(objects) {
  const problems = [];
  for (const object of objects) {
    const name = `${object?.kind ?? '(no kind)'}/${object?.metadata?.name ?? '(no name)'}`;
    const Model =
      typeof object?.apiVersion === 'string' && typeof object?.kind === 'string'
        ? await modelOf(object.apiVersion, object.kind)
        : undefined;
    if (!Model) {
      problems.push(`${name}: no schema for ${object?.apiVersion} ${object?.kind}`);
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return problems;
}

/** Renders and validates every kustomization; returns name → { yaml, objects }. Throws on any problem. */
export async function renderAll({ kubectl = process.env.KUBECTL || 'kubectl' } = {}) {
  const rendered = {};
  const problems = [];
  for (const [name, directory] of Object.entries(KUSTOMIZATIONS)) {
    const yaml = kustomize(directory, kubectl);
    const documents = parseAllDocuments(yaml);
    const objects = [];
    for (const document of documents) {
      if (document.errors.length > 0) problems.push(`${name}: ${document.errors[0].message}`);
      else if (document.contents !== null) objects.push(document.toJS());
    }
    problems.push(...(await schemaProblems(objects)).map((problem) => `${name}: ${problem}`));
    rendered[name] = { yaml, objects };
  }
  if (problems.length > 0) throw new Error(`Rendered manifests are invalid:\n  ${problems.join('\n  ')}`);
  return rendered;
}

async function main() {
  const outIndex = process.argv.indexOf('--out');
  const out = resolve(outIndex > 0 ? process.argv[outIndex + 1] : join(root, 'dist/deploy'));
  const rendered = await renderAll();
  mkdirSync(out, { recursive: true });
  for (const [name, { yaml, objects }] of Object.entries(rendered)) {
    writeFileSync(join(out, `${name}.yaml`), yaml);
    console.log(`deploy:render: ${name}: ${objects.length} objects, schema-valid → ${join(out, `${name}.yaml`)}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
