import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIGURATION_DOCS_PATH, renderConfigurationDocs } from './render-configuration-docs';
import { SERVICE_ENV_SCHEMAS } from './service-env-schemas';

describe('the configuration reference', () => {
  const generated = renderConfigurationDocs(SERVICE_ENV_SCHEMAS);

  it('is up to date with the schemas (run `npm run docs:config` after changing one)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', CONFIGURATION_DOCS_PATH), 'utf8');
    expect(committed).toBe(generated);
  });

  it('marks what production requires, as the boot check says', () => {
    const gateway = generated.slice(generated.indexOf('## gateway'));
    for (const name of [
      'GATEWAY_IDENTITY_KEY',
      'GATEWAY_SIGNING_KEY',
      'GATEWAY_OIDC_ISSUER',
      'GATEWAY_PUBLIC_URL',
      'ENROLLMENT_URL',
      'CLINICIAN_LIAISON_URL',
    ]) {
      expect(gateway).toContain(`| \`${name}\` | production |`);
    }
    expect(gateway).toContain('| `DATABASE_URL` | always |');
    const enrollment = generated.slice(generated.indexOf('## enrollment'), generated.indexOf('## scheduling'));
    expect(enrollment).toContain('| `AUTH_TRUSTED_ISSUERS` | production |');
    expect(enrollment).toContain('| `ENROLLMENT_PTSD_PCL5_THRESHOLD` |  | `31` |');
  });
});
