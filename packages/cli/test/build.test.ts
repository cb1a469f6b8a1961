import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../src/run.js';

// What `npm pack` ships and `npm install` lays out: the CLI's bin/ and compiled dist/ (no src/), with
// the compiled SDK in node_modules beside it, run by plain Node: no tsx, no Jest, no ocp-source.
const CLI = join(__dirname, '..');
const ROOT = join(CLI, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const work = mkdtempSync(join(CLI, '.build-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function installedLayout(): string {
  const sdk = join(work, 'node_modules/@ocp/sdk');
  mkdirSync(sdk, { recursive: true });
  execFileSync(process.execPath, [TSC, '-p', join(ROOT, 'packages/sdk/tsconfig.build.json'), '--outDir', join(sdk, 'dist')]);
  cpSync(join(ROOT, 'packages/sdk/package.json'), join(sdk, 'package.json'));
  const cli = join(work, 'node_modules/@ocp/cli');
  for (const entry of ['src', 'bin', 'package.json', 'tsconfig.build.json'])
    cpSync(join(CLI, entry), join(cli, entry), { recursive: true });
  // Compiled where it is installed, so @ocp/sdk resolves as a user's install resolves it: to the SDK's dist.
  execFileSync(process.execPath, [TSC, '-p', join(cli, 'tsconfig.build.json')]);
  rmSync(join(cli, 'src'), { recursive: true });
  rmSync(join(cli, 'tsconfig.build.json'));
  return join(cli, 'bin/ocp.js');
}

test('the packed CLI runs its compiled dist/ in plain Node, with its help and exit codes', () => {
  const bin = installedLayout();
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [bin, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, OCP_CONFIG_DIR: join(work, 'config') },
    });
  const help = run('--help');
  expect(help.status).toBe(EXIT.ok);
  expect(help.stdout).toContain('Usage: ocp <command> [flags]');
  const signedOut = run('wallets', 'list');
  expect([signedOut.status, signedOut.stderr]).toEqual([EXIT.notSignedIn, 'ocp: not signed in: run `ocp login` first\n']);
  const inexact = run('transfer', '--from', 'a', '--to', 'b', '--amount', '10.505 USD');
  expect([inexact.status, inexact.stderr]).toEqual([EXIT.usage, 'ocp: --amount: USD has 2 decimals: "10.505 USD" has more\n']);
});
