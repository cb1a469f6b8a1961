import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createWallet } from '../../../tests/support/ledger.js';
import { registerUser } from '../../../tests/support/test-app.js';
import { EXIT } from '../src/run.js';
import { configDir, startOcp, USER_PASSWORD, type Ocp } from './support.js';

// The real `ocp`, as people run it: bin/ocp.js in a process of its own (jest runs from the repository root).
const REPO = process.cwd();
const BIN = join(REPO, 'packages/cli/bin/ocp.js');

function spawnOcp(command: string[], options: { dir: string; input?: string }) {
  const child = spawn(command[0]!, command.slice(1), {
    cwd: REPO,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OCP_CONFIG_DIR: options.dir },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.input ?? '');
  const exit = once(child, 'close').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    stdout,
    stderr,
  }));
  return { child, exit, output: () => ({ stdout, stderr }) };
}
const ocpBin = (args: string[], options: { dir: string; input?: string }) => spawnOcp([process.execPath, BIN, ...args], options).exit;

describe('the ocp executable (bin/ocp.js)', () => {
  let server: Ocp;
  let config: ReturnType<typeof configDir>;
  beforeAll(async () => {
    server = await startOcp();
    config = configDir();
  });
  afterAll(async () => {
    config.remove();
    await server.close();
  });

  it('when run with bad usage, without a sign-in or with --help, then its exit codes say so', async () => {
    const [help, nothing, signedOut, inexact] = await Promise.all([
      ocpBin(['--help'], { dir: config.dir }),
      ocpBin([], { dir: config.dir }),
      ocpBin(['wallets', 'list'], { dir: config.dir }),
      ocpBin(['transfer', '--from', 'a', '--to', 'b', '--amount', '10.505 USD'], { dir: config.dir }),
    ]);
    expect(help).toMatchObject({ code: EXIT.ok, stderr: '' });
    expect(help.stdout).toContain('Usage: ocp <command> [flags]');
    expect(nothing).toMatchObject({ code: EXIT.usage, stdout: '', stderr: 'ocp: no command given (see ocp --help)\n' });
    expect(signedOut).toMatchObject({ code: EXIT.notSignedIn, stderr: 'ocp: not signed in: run `ocp login` first\n' });
    expect(inexact).toMatchObject({ code: EXIT.usage, stderr: 'ocp: --amount: USD has 2 decimals: "10.505 USD" has more\n' });
  });

  it('when a user logs in with --password-stdin, then the credentials file is 0600 and npx ocp wallets list shows their wallet', async () => {
    const user = await registerUser(server.t);
    const wallet = await createWallet(server.t, user, 'USD', { label: 'Groceries' });
    const login = await ocpBin(['login', '--url', server.url, '--email', user.email, '--password-stdin'], {
      dir: config.dir,
      input: `${USER_PASSWORD}\n`,
    });
    expect(login).toMatchObject({ code: EXIT.ok, stdout: `Signed in to ${server.url} as ${user.email}.\n`, stderr: '' });
    expect(statSync(join(config.dir, 'credentials.json')).mode & 0o777).toBe(0o600);

    const list = await spawnOcp(['npx', '--no-install', 'ocp', 'wallets', 'list'], { dir: config.dir }).exit;
    expect(list.code).toBe(EXIT.ok);
    expect(list.stdout).toMatch(new RegExp(`^${wallet.id} +USD +0\\.00 USD +active +Groceries `, 'm'));
  });

  it('when webhooks listen gets SIGINT, then it deletes its webhook and exits 130', async () => {
    const user = await registerUser(server.t);
    await ocpBin(['login', '--url', server.url, '--email', user.email, '--password-stdin'], { dir: config.dir, input: USER_PASSWORD });
    const listener = spawnOcp([process.execPath, BIN, 'webhooks', 'listen'], { dir: config.dir });
    const deadline = Date.now() + 30_000;
    while (!/Listening on /.test(listener.output().stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const webhooks = async () => ((await server.t.http().get('/api/v1/webhooks').set(user.auth)).body as { data: unknown[] }).data;
    expect(await webhooks()).toHaveLength(1);
    listener.child.kill('SIGINT');
    const ended = await listener.exit;
    expect(ended.code).toBe(EXIT.interrupted);
    expect(ended.stderr).toMatch(/Deleted webhook whe_[\w-]+\.\n$/);
    expect(await webhooks()).toHaveLength(0);
  });
});
