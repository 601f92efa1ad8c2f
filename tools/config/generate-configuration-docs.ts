// `npm run docs:config`: writes docs/operations/configuration.md from the services' environment schemas.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { CONFIGURATION_DOCS_PATH, renderConfigurationDocs } from './render-configuration-docs';
import { SERVICE_ENV_SCHEMAS } from './service-env-schemas';

const target = join(__dirname, '..', '..', CONFIGURATION_DOCS_PATH);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderConfigurationDocs(SERVICE_ENV_SCHEMAS));
console.log(`wrote ${CONFIGURATION_DOCS_PATH}`);
