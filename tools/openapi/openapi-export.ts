// `npm run openapi:export`: writes docs/openapi/<service>.json for every service (see openapi-documents.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApiGaps } from './openapi-completeness';
import { OPENAPI_DIR, openApiFileText, SERVICE_MODULES, serviceOpenApiDocument } from './openapi-documents';

async function main(): Promise<void> {
  mkdirSync(OPENAPI_DIR, { recursive: true });
  for (const service of Object.keys(SERVICE_MODULES)) {
    const document = await serviceOpenApiDocument(service);
    const file = join(OPENAPI_DIR, `${service}.json`);
    writeFileSync(file, openApiFileText(document));
    const operations = Object.values(document.paths).reduce(
      (count, item) => count + Object.keys(item).filter((key) => key !== 'parameters').length,
      0,
    );
    console.log(`${file}: ${operations} operations`);
    for (const gap of openApiGaps(document)) console.log(`  ${gap}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
