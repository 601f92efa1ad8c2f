import { ESLint } from 'eslint';
import { join } from 'node:path';

/**
 * The architecture is enforced by lint, so lint itself is tested: each rule must reject the import it
 * exists to forbid (a rule that never fires would pass every build silently).
 */
const root = join(__dirname, '..', '..');

async function lintAs(filePath: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, filePath) });
  return result!.messages.filter((m) => m.severity === 2).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('architecture rules (lint)', () => {
  it('forbids a service importing another service', async () => {
    const errors = await lintAs(
      'apps/scheduling/src/violation.ts',
      "import { referralDecider } from '@carecircle/enrollment/domain';\nexport const x = referralDecider;\n",
    );
    expect(errors.join('\n')).toMatch(/@nx\/enforce-module-boundaries/);
  });

  it('forbids a domain library importing Nest', async () => {
    const errors = await lintAs(
      'libs/enrollment/domain/src/violation.ts',
      "import { Injectable } from '@nestjs/common';\nexport const x = Injectable;\n",
    );
    expect(errors.join('\n')).toMatch(/no framework or I\/O|banned/i);
  });

  it('forbids a domain library doing I/O or reading the clock', async () => {
    const errors = await lintAs(
      'libs/scheduling/domain/src/violation.ts',
      "import { readFileSync } from 'node:fs';\nexport const x = () => [readFileSync, new Date()];\n",
    );
    expect(errors.join('\n')).toMatch(/no Node I\/O/);
    expect(errors.join('\n')).toMatch(/never from the clock/);
  });

  it('forbids a domain library depending on platform adapters', async () => {
    const errors = await lintAs(
      'libs/enrollment/domain/src/violation.ts',
      "import { ExpectedVersion } from '@carecircle/platform/event-store';\nexport const x = ExpectedVersion;\n",
    );
    expect(errors.join('\n')).toMatch(/@nx\/enforce-module-boundaries/);
  });

  it('accepts the layering as designed (application → domain, app → read models)', async () => {
    expect(
      await lintAs(
        'libs/enrollment/application/src/ok.ts',
        "import { referralDecider } from '@carecircle/enrollment/domain';\nexport const x = referralDecider;\n",
      ),
    ).toEqual([]);
    expect(
      await lintAs(
        'apps/scheduling/src/ok.ts',
        "import { findGroupRoster } from '@carecircle/scheduling/read-models';\nexport const x = findGroupRoster;\n",
      ),
    ).toEqual([]);
  });
});
