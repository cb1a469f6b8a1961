import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { registerUser } from '../../../tests/support/test-app.js';
import { EXIT } from '../src/run.js';
import { configDir, ocp, signIn, startOcp, USER_PASSWORD, type Ocp } from './support.js';

describe('ocp login / logout and the stored credentials', () => {
  let server: Ocp;
  let config: ReturnType<typeof configDir>;
  beforeAll(async () => {
    server = await startOcp();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    config = configDir();
  });
  afterEach(() => config.remove());

  const credentialsFile = () => join(config.dir, 'credentials.json');
  const stored = () =>
    JSON.parse(readFileSync(credentialsFile(), 'utf8')) as { url: string; email: string; tokens: Record<string, unknown> };

  it('when a user signs in with --password-stdin, then the tokens are stored 0600 in the config dir and never printed', async () => {
    const user = await registerUser(server.t);
    const dir = join(config.dir, 'nested');
    const login = await ocp(['login', '--url', server.url, '--email', user.email, '--password-stdin'], {
      dir,
      stdin: `${USER_PASSWORD}\n`,
    });
    expect(login.code).toBe(EXIT.ok);
    expect(login.stdout).toBe(`Signed in to ${server.url} as ${user.email}.\n`);
    const file = join(dir, 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as {
      url: string;
      email: string;
      tokens: { accessToken: string; refreshToken: string; expiresAt: number };
    };
    expect([credentials.url, credentials.email]).toEqual([server.url, user.email]);
    expect(Object.keys(credentials.tokens).sort()).toEqual(['accessToken', 'expiresAt', 'refreshToken']);
    expect(credentials.tokens.accessToken.length).toBeGreaterThan(20);
    expect(credentials.tokens.expiresAt).toBeGreaterThan(Date.now());
    const list = await ocp(['wallets', 'list'], { dir });
    expect(list.code).toBe(EXIT.ok);
    for (const output of [login.stdout, login.stderr, list.stdout, list.stderr]) {
      expect(output).not.toContain(credentials.tokens.accessToken);
      expect(output).not.toContain(credentials.tokens.refreshToken);
      expect(output).not.toContain(USER_PASSWORD);
    }
  });

  it('when the password is typed on a terminal, then it is read without echo and the sign-in works', async () => {
    const user = await registerUser(server.t);
    const rawModes: boolean[] = [];
    const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: (raw: boolean) => rawModes.push(raw) });
    const pending = ocp(['login', '--url', server.url, '--email', user.email], { dir: config.dir, stdin: terminal });
    terminal.write(`${USER_PASSWORD}x\u007f\r`); // a typo erased with backspace
    const login = await pending;
    expect(login.code).toBe(EXIT.ok);
    expect(rawModes).toEqual([true, false]);
    expect(login.stderr).toBe('Password: \n');
    expect(stored().email).toBe(user.email);
  });

  it('when the password is wrong, then exit 3, one line with the code and request id, and nothing is stored', async () => {
    const user = await registerUser(server.t);
    const login = await ocp(['login', '--url', server.url, '--email', user.email, '--password-stdin'], {
      dir: config.dir,
      stdin: 'wrong-password',
    });
    expect(login.code).toBe(EXIT.notSignedIn);
    expect(login.stderr).toMatch(/^ocp: .+ \[code: invalid_credentials, requestId: [\w-]+\]\n$/);
    expect(() => statSync(credentialsFile())).toThrow();
  });

  it('when there is no terminal and no --password-stdin, then a usage error (exit 2) says how', async () => {
    const login = await ocp(['login', '--url', server.url, '--email', 'a@example.com'], { dir: config.dir });
    expect(login.code).toBe(EXIT.usage);
    expect(login.stderr).toBe('ocp: no terminal to ask the password on: use --password-stdin\n');
  });

  it('when nobody signed in, then commands exit 3 and say to run ocp login', async () => {
    const list = await ocp(['wallets', 'list'], { dir: config.dir });
    expect(list).toMatchObject({ code: EXIT.notSignedIn, stdout: '', stderr: 'ocp: not signed in: run `ocp login` first\n' });
  });

  it('when the stored tokens are invalid, then OCP rejects them and the command exits 3', async () => {
    const user = await registerUser(server.t);
    await signIn(server.url, config.dir, user.email);
    writeFileSync(
      credentialsFile(),
      JSON.stringify({ ...stored(), tokens: { accessToken: 'not-a-token', refreshToken: 'not-a-refresh-token' } }),
    );
    const list = await ocp(['wallets', 'list'], { dir: config.dir });
    expect(list.code).toBe(EXIT.notSignedIn);
    expect(list.stderr).toMatch(/run `ocp login` again\) \[code: \w+, requestId: [\w-]+\]\n$/);
  });

  it('when the access token has expired, then it is refreshed and the new tokens are written back (still 0600)', async () => {
    const user = await registerUser(server.t);
    await signIn(server.url, config.dir, user.email);
    const before = stored();
    writeFileSync(
      credentialsFile(),
      JSON.stringify({ ...before, tokens: { ...before.tokens, accessToken: 'expired', expiresAt: Date.now() - 1000 } }),
    );
    const list = await ocp(['wallets', 'list', '--json'], { dir: config.dir });
    expect(list.code).toBe(EXIT.ok);
    expect(list.json()).toEqual([]);
    const after = stored();
    expect(after.tokens.accessToken).not.toBe('expired');
    expect(after.tokens.refreshToken).not.toBe(before.tokens.refreshToken);
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
  });

  it('when OCP_URL names another OCP than the one signed in to, then the tokens are not sent there (exit 3)', async () => {
    const user = await registerUser(server.t);
    await signIn(server.url, config.dir, user.email);
    const list = await ocp(['wallets', 'list'], { dir: config.dir, env: { OCP_URL: 'http://127.0.0.1:9' } });
    expect(list.code).toBe(EXIT.notSignedIn);
    expect(list.stderr).toContain(`signed in to ${server.url}, not to OCP_URL http://127.0.0.1:9`);
  });

  it('when the user logs out, then the session ends at OCP (its refresh token stops working) and the file is gone', async () => {
    const user = await registerUser(server.t);
    await signIn(server.url, config.dir, user.email);
    const { refreshToken } = stored().tokens;
    const logout = await ocp(['logout'], { dir: config.dir });
    expect(logout).toMatchObject({ code: EXIT.ok, stdout: `Signed out of ${server.url}.\n` });
    expect(() => statSync(credentialsFile())).toThrow();
    const refresh = await server.t.http().post('/api/v1/auth/refresh').send({ refreshToken });
    expect(refresh.status).toBe(401);
    expect((await ocp(['wallets', 'list'], { dir: config.dir })).code).toBe(EXIT.notSignedIn);
    expect(await ocp(['logout'], { dir: config.dir })).toMatchObject({ code: EXIT.ok, stdout: 'Not signed in.\n' });
  });

  it('when the credentials file is not valid JSON, then commands exit 3 and logout removes it', async () => {
    writeFileSync(credentialsFile(), '{"url": ');
    const list = await ocp(['wallets', 'list'], { dir: config.dir });
    expect(list).toMatchObject({ code: EXIT.notSignedIn, stderr: `ocp: ${credentialsFile()} is not valid: run \`ocp login\` again\n` });
    expect(await ocp(['logout'], { dir: config.dir })).toMatchObject({ code: EXIT.ok, stdout: 'Not signed in.\n' });
    expect(() => statSync(credentialsFile())).toThrow();
  });

  it('when OCP cannot be reached, then exit 1 with code network_error', async () => {
    const login = await ocp(['login', '--url', 'http://127.0.0.1:9', '--email', 'a@example.com', '--password-stdin'], {
      dir: config.dir,
      stdin: 'whatever',
    });
    expect(login.code).toBe(EXIT.apiError);
    expect(login.stderr).toMatch(/^ocp: OCP could not be reached: .+ \[code: network_error\]\n$/);
  });
});

describe('ocp usage errors and help', () => {
  const dir = '/nonexistent-ocp-config';
  it.each([
    [['bogus'], 'unknown command "bogus" (see ocp --help)'],
    [['wallets'], 'which "ocp wallets" command? (see ocp wallets --help)'],
    [['wallets', 'show'], 'ocp wallets show takes <id> (see ocp wallets show --help)'],
    [['wallets', 'list', '--bogus'], "wallets list: Unknown option '--bogus'. (see ocp wallets list --help)"],
    [['transfer', '--from', 'a', '--to', 'b'], 'transfer: --amount is required (see ocp transfer --help)'],
    [[], 'no command given (see ocp --help)'],
  ])('when ocp %j is run, then exit 2 with one line saying what is wrong', async (argv, message) => {
    const result = await ocp(argv, { dir });
    expect(result).toMatchObject({ code: EXIT.usage, stdout: '', stderr: `ocp: ${message}\n` });
  });

  it('when --help is asked of every command, then each prints its usage and an example and exits 0', async () => {
    const main = await ocp(['--help'], { dir });
    expect(main.code).toBe(0);
    const commands = [...main.stdout.matchAll(/^ {2}([a-z-]+(?: [a-z-]+)*) {2,}/gm)].map((m) => m[1]!);
    expect(commands).toEqual(
      expect.arrayContaining(['login', 'wallets list', 'transfer', 'admin refunds approve', 'webhooks listen', 'verify-ledger']),
    );
    expect(main.stdout).toContain('130  interrupted');
    for (const command of commands) {
      const help = await ocp([...command.split(' '), '--help'], { dir });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: ocp ${command}`);
      expect(help.stdout).toMatch(/Examples:\n {2}ocp /);
    }
    expect((await ocp(['admin', 'refunds', '--help'], { dir })).stdout).toContain('admin refunds approve');
  });

  it('when --json is given and the command fails, then the error is one JSON line on stderr', async () => {
    const result = await ocp(['wallets', 'list', '--json'], { dir });
    expect(result.code).toBe(EXIT.notSignedIn);
    expect(JSON.parse(result.stderr)).toEqual({ error: { code: 'not_signed_in', message: 'not signed in: run `ocp login` first' } });
  });
});
