// `npm run -s token [-- --scope "system/Patient.rs"] [--service scheduling]`: prints an access token of the
// local run's SMART backend client, for `curl -H "Authorization: Bearer $(npm run -s token)" …`: for the
// gateway, or with --service for that one service (each service accepts only tokens meant for it).
import { readFileSync } from 'node:fs';
import { localTokenSource, type LocalSmartClientFile } from './demo/local-smart-client';

const DEFAULT_CLIENT_FILE = '.data/local-smart-client.json';

/** The client file `npm start` writes (override with `SMART_CLIENT_FILE`); `scope` narrows what the file grants. */
export function readSmartClientFile(path: string, scope?: string): LocalSmartClientFile {
  let parsed: Partial<LocalSmartClientFile>;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LocalSmartClientFile>;
  } catch {
    throw new Error(`${path} is missing or not JSON: start the local stack first (npm start), which writes it`);
  }
  const { clientId, privateJwk, tokenUrl } = parsed;
  if (
    typeof clientId !== 'string' ||
    typeof tokenUrl !== 'string' ||
    typeof parsed.scope !== 'string' ||
    typeof privateJwk?.d !== 'string'
  ) {
    throw new Error(`${path} must hold {clientId, privateJwk (a private JWK), tokenUrl, scope}`);
  }
  return { clientId, privateJwk, tokenUrl, scope: scope ?? parsed.scope };
}

async function main(): Promise<void> {
  const scopeAt = process.argv.indexOf('--scope');
  const scope = scopeAt >= 0 ? process.argv[scopeAt + 1] : undefined;
  const serviceAt = process.argv.indexOf('--service');
  const service = serviceAt >= 0 ? process.argv[serviceAt + 1] : undefined;
  const file = readSmartClientFile(process.env['SMART_CLIENT_FILE'] ?? DEFAULT_CLIENT_FILE, scope);
  process.stdout.write(`${await localTokenSource(file)(service ? `carecircle-${service}` : undefined)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // The message names the file or the token endpoint's status, never the key or a token.
    console.error(`npm run token: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
