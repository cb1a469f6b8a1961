import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, test } from '@jest/globals';

// What `npm pack` ships: the compiled SDK, run by plain Node (no TypeScript, no Jest), with its types.
const SDK = join(__dirname, '..');
const outDir = mkdtempSync(join(SDK, '.build-test-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

test('the build runs in plain Node as an ES module and ships the generated types', () => {
  execFileSync(process.execPath, [
    join(SDK, '../../node_modules/typescript/bin/tsc'),
    '-p',
    join(SDK, 'tsconfig.build.json'),
    '--outDir',
    outDir,
  ]);
  expect(existsSync(join(outDir, 'generated/schema.d.ts'))).toBe(true);
  const script = `const sdk = await import(${JSON.stringify(join(outDir, 'index.js'))});
    const ocp = sdk.createOcpClient({ baseUrl: 'http://127.0.0.1:9', retry: { retries: 0 } });
    const error = await ocp.get('/api/v1/wallets').catch((e) => e);
    process.stdout.write(JSON.stringify([sdk.parseAmount('10.50 USD'), error instanceof sdk.OcpError, error.code]));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(JSON.parse(output)).toEqual([{ amount: '1050', currency: 'USD' }, true, 'network_error']);
});
