import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

type AxeResult = { violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] };

/**
 * axe-core's violations on the page as it stands, of any impact (every console screen is held to zero),
 * each as its rule, impact and where, so a failure says what to fix. Evaluated through the DevTools
 * protocol: the console's Content-Security-Policy (no inline scripts) stays as it is.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run: () => Promise<AxeResult> } }).axe.run(),
  );
  return result.violations.map(
    (violation) =>
      `${violation.id} (${violation.impact}): ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
}
