import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * A hospital reads README.md and docs/ from a copy of this repository alone: every relative link must
 * land on a file inside it. (Links to the web are allowed; links to `../shared` or a missing file are not.)
 */
const root = resolve(__dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** `[text](target)` links, without the `#fragment`; absolute URLs and pure fragments are not files. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1]!.split('#')[0]!)
    .filter((target) => target !== '' && !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('README.md and docs/ need nothing outside the repository', () => {
  const files = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];

  it.each(files.map((file) => [relative(root, file), file]))(
    '%s links only to files in the repository',
    (_name, file) => {
      const broken = relativeLinks(readFileSync(file, 'utf8')).filter((target) => {
        const path = resolve(dirname(file), decodeURIComponent(target));
        return relative(root, path).startsWith('..') || !existsSync(path);
      });
      expect(broken).toEqual([]);
    },
  );

  it('finds the documents it checks (the operator and integrator guides among them)', () => {
    const names = files.map((file) => relative(root, file));
    expect(names).toEqual(
      expect.arrayContaining(['README.md', 'docs/operations/README.md', 'docs/integration/README.md']),
    );
  });
});
