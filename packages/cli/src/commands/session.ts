import { createOcpClient, OcpError } from '@ocp/sdk';
import type { CommandSpec, Context } from '../command.js';
import { usageError } from '../errors.js';
import { EXIT } from '../exit-codes.js';
import { ask, readAll } from '../prompt.js';

const DEFAULT_URL = 'http://127.0.0.1:3000';

export const login: CommandSpec = {
  path: 'login',
  summary: 'Sign in to OCP and keep the tokens in your config dir (mode 0600)',
  options: {
    url: { type: 'string', placeholder: '<url>', help: `where OCP answers (else $OCP_URL, else the stored one, else ${DEFAULT_URL})` },
    email: { type: 'string', placeholder: '<email>', help: 'your email (asked for when omitted on a terminal)' },
    'password-stdin': { type: 'boolean', help: 'read the password from stdin (for scripts); else it is asked for, without echo' },
  },
  details: [
    'Users and operators (admin, support, finance, auditor) sign in the same way.',
    'The tokens are stored in $OCP_CONFIG_DIR, else $XDG_CONFIG_HOME/ocp, else ~/.config/ocp (credentials.json) and never printed.',
  ],
  examples: [
    'ocp login --email ada@example.com',
    'printf %s "$PASSWORD" | ocp login --url https://ocp.example.com --email ops@example.com --password-stdin',
  ],
  async run(ctx, flags) {
    const url = (flags.string('url') ?? ctx.io.env.OCP_URL ?? ctx.store.read()?.url ?? DEFAULT_URL).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]/.test(url)) throw usageError(`--url must be an http(s) URL, not "${url}"`);
    const email = flags.string('email') ?? (await askOnTerminal(ctx, 'Email: ', false));
    const password = flags.bool('password-stdin') ? await passwordFromStdin(ctx) : await askOnTerminal(ctx, 'Password: ', true);
    if (!email || !password) throw usageError('login: an email and a password are required');
    const client = createOcpClient({ baseUrl: url });
    const tokens = await client.login({ email, password });
    ctx.store.write({ url, email, tokens });
    if (ctx.json) ctx.printJson({ url, email, signedIn: true });
    else ctx.print(`Signed in to ${url} as ${email}.`);
  },
};

export const logout: CommandSpec = {
  path: 'logout',
  summary: 'End the session at OCP and forget the stored tokens',
  details: ['The stored tokens are removed even when OCP cannot be reached (the exit code then says so).'],
  examples: ['ocp logout'],
  async run(ctx) {
    const stored = storedOrNothing(ctx);
    if (!stored) {
      if (ctx.json) ctx.printJson({ signedIn: false });
      else ctx.print('Not signed in.');
      return;
    }
    let unreachable: OcpError | undefined;
    try {
      await createOcpClient({ baseUrl: stored.url, auth: { tokens: stored.tokens }, retry: { retries: 0 } }).logout();
    } catch (error) {
      // A session OCP already ended (401) is as good as ended now; anything else is worth saying.
      if (!(error instanceof OcpError) || error.status !== 401) unreachable = error instanceof OcpError ? error : OcpError.network(error);
    }
    ctx.store.remove();
    if (ctx.json) ctx.printJson({ signedIn: false, url: stored.url });
    else ctx.print(`Signed out of ${stored.url}.`);
    if (unreachable) {
      ctx.note(`ocp: the local sign-in is gone, but OCP did not end the session: ${unreachable.message} [code: ${unreachable.code}]`);
      return EXIT.apiError;
    }
  },
};

/** The stored sign-in; a file that is no longer valid is removed, as there is no session left to end. */
function storedOrNothing(ctx: Context) {
  try {
    return ctx.store.read();
  } catch {
    ctx.store.remove();
    return undefined;
  }
}

async function askOnTerminal(ctx: Context, question: string, hidden: boolean): Promise<string> {
  const stdin = ctx.io.stdin;
  if (!stdin?.isTTY) {
    throw usageError(hidden ? 'no terminal to ask the password on: use --password-stdin' : 'no terminal to ask on: use --email');
  }
  const answer = await ask(question, stdin, ctx.io.stderr, { hidden });
  return hidden ? answer : answer.trim(); // a password is what was typed, spaces included
}

async function passwordFromStdin(ctx: Context): Promise<string> {
  if (!ctx.io.stdin) throw usageError('--password-stdin: there is no stdin');
  return readAll(ctx.io.stdin);
}
