import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGatewayHarness, type GatewayHarness } from '../apps/gateway/src/testing/gateway-harness';
import { ensureLocalSmartClient } from './demo/local-smart-client';

const run = promisify(execFile);

describe('npm run token (tools/smart-token.ts) against a real gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'carecircle-token-'));
  const clientFile = join(dir, 'local-smart-client.json');
  let gateway: GatewayHarness | undefined;
  let base = '';

  beforeAll(async () => {
    // The key is made once and kept; the token URL is only known once the gateway listens.
    const { registration } = await ensureLocalSmartClient(clientFile, 'http://127.0.0.1:0/auth/token');
    gateway = await startGatewayHarness({
      database: 'gateway_token_script',
      clients: [],
      env: { SMART_CLIENTS: JSON.stringify([registration]) },
    });
    base = gateway.base;
    await ensureLocalSmartClient(clientFile, `${base}/auth/token`);
  });

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const token = (args: string[] = [], file = clientFile) =>
    run(process.execPath, ['tools/run-ts.mjs', 'tools/smart-token.ts', ...args], {
      env: { ...process.env, SMART_CLIENT_FILE: file },
      timeout: 60_000,
    });
  const auditTrail = (accessToken: string) =>
    fetch(`${base}/admin/audit-events?_count=1`, { headers: { authorization: `Bearer ${accessToken}` } });

  it('prints only an access token, which the gateway accepts', async () => {
    const { stdout } = await token();
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect((await auditTrail(stdout.trim())).status).toBe(200);
  });

  it('narrows the scope with --scope', async () => {
    const { stdout } = await token(['--scope', 'system/Patient.rs']);
    expect((await auditTrail(stdout.trim())).status).toBe(403);
  });

  it('says what to do when the client file is missing, and exits 1', async () => {
    const failure = await token([], join(dir, 'absent.json')).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toEqual(
      expect.objectContaining({ code: 1, stderr: expect.stringContaining('start the local stack first (npm start)') }),
    );
  });
});
