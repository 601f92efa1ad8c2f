import { readFileSync } from 'node:fs';

/**
 * The Dockerfile's key rules, read from its text (no Docker engine or hadolint here): pinned Node,
 * production dependencies only in the final image, a numeric non-root user, exec-form CMD.
 */
interface Instruction {
  keyword: string;
  args: string;
}

function instructions(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** Instructions grouped by stage, keyed by the stage's name (the last, unnamed one is 'final'). */
function stages(all: Instruction[]): Map<string, Instruction[]> {
  const result = new Map<string, Instruction[]>();
  let current: Instruction[] = [];
  all.forEach((instruction, index) => {
    if (instruction.keyword !== 'FROM') return current.push(instruction);
    const isLast = !all.slice(index + 1).some((next) => next.keyword === 'FROM');
    current = [instruction];
    result.set(isLast ? 'final' : (instruction.args.match(/\bAS\s+(\S+)/i)?.[1] ?? `stage-${index}`), current);
  });
  return result;
}

describe('Dockerfile', () => {
  const all = instructions(readFileSync('Dockerfile', 'utf8'));
  const byStage = stages(all);
  const final = byStage.get('final') ?? [];
  const last = (keyword: string) => final.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;

  it('builds on the Node version the tests run on, pinned, in several stages', () => {
    const bases = all
      .filter((instruction) => instruction.keyword === 'FROM')
      .map((instruction) => instruction.args.split(/\s+/)[0]);
    expect(bases.length).toBeGreaterThan(1);
    expect(new Set(bases)).toEqual(new Set([`node:${process.versions.node}-bookworm-slim`]));
  });

  it('ships production dependencies only', () => {
    const copiesNodeModules = final.filter(
      (instruction) => instruction.keyword === 'COPY' && /node_modules/.test(instruction.args),
    );
    expect(copiesNodeModules).toHaveLength(1);
    const from = copiesNodeModules[0].args.match(/--from=(\S+)/)?.[1] ?? '';
    const install = (byStage.get(from) ?? [])
      .filter((instruction) => instruction.keyword === 'RUN')
      .map((instruction) => instruction.args);
    expect(install).toEqual([expect.stringMatching(/^npm ci .*--omit=dev/)]);
    expect(final.some((instruction) => instruction.keyword === 'RUN')).toBe(false);
  });

  it('runs as a numeric non-root user, in production mode, with an exec-form command', () => {
    expect(last('USER')).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
    expect(
      final.filter((instruction) => instruction.keyword === 'ENV').map((instruction) => instruction.args),
    ).toContain('NODE_ENV=production');
    const command = JSON.parse(last('CMD') ?? 'null') as string[];
    expect(Array.isArray(command)).toBe(true);
    // --enable-source-maps makes every Error's stack trace costly, and a thrown error per bad request is common.
    expect(command.join(' ')).not.toContain('--enable-source-maps');
    // A bounded young generation keeps an idle service's resident memory down (issue 15).
    expect(command.join(' ')).toMatch(/--max-semi-space-size=\d+ /);
  });

  it('follows the lint rules that apply to it (hadolint DL3003, DL3020, DL3000)', () => {
    const runs = all.filter((instruction) => instruction.keyword === 'RUN').map((instruction) => instruction.args);
    expect(runs.filter((run) => /(^|&&|;)\s*cd\s/.test(run))).toEqual([]);
    expect(all.filter((instruction) => instruction.keyword === 'ADD')).toEqual([]);
    expect(
      all
        .filter((instruction) => instruction.keyword === 'WORKDIR')
        .map((instruction) => instruction.args)
        .every((dir) => dir.startsWith('/')),
    ).toBe(true);
  });
});
