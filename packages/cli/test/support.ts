import { mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { startTestApp } from '../../../tests/support/test-app.js';
import { run } from '../src/run.js';
import type { Input } from '../src/io.js';

export const USER_PASSWORD = 'correct-horse-battery'; // registerUser's
export const OPERATOR_PASSWORD = 'operator-password-42'; // createOperator's

/** A real OCP on a free port (its own database), as the CLI meets it: over HTTP. */
export async function startOcp(env: Record<string, string> = {}) {
  const t = await startTestApp(env);
  const server = t.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    t,
    url,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
}
export type Ocp = Awaited<ReturnType<typeof startOcp>>;

/** Collects what a command writes; `isTTY` as a terminal would say. */
export class Captured {
  text = '';
  constructor(readonly isTTY = false) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** A config dir of its own for one person at the keyboard. */
export function configDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'ocp-cli-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface RunOptions {
  dir: string;
  stdin?: string | Input;
  env?: Record<string, string>;
  signal?: AbortSignal;
  stderrIsTTY?: boolean;
}

/** Starts `ocp ...argv` in-process: its output so far, and its exit code once it ends. */
export function start(argv: string[], options: RunOptions) {
  const stdout = new Captured();
  const stderr = new Captured(options.stderrIsTTY ?? false);
  const stdin = typeof options.stdin === 'string' ? Readable.from([Buffer.from(options.stdin)]) : options.stdin;
  const exit = run(argv, {
    stdout,
    stderr,
    ...(stdin ? { stdin } : {}),
    env: { OCP_CONFIG_DIR: options.dir, ...options.env },
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { stdout, stderr, exit };
}

/** `ocp ...argv` in-process: its exit code and what it printed. */
export async function ocp(argv: string[], options: RunOptions) {
  const { stdout, stderr, exit } = start(argv, options);
  const code = await exit;
  return { code, stdout: stdout.text, stderr: stderr.text, json: () => JSON.parse(stdout.text) as unknown };
}

/** Resolves once `output` matches (a command that runs until interrupted says when it is ready). */
export async function waitFor(output: Captured, pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(output.text);
    if (match) return match;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in: ${output.text}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `ocp login` with the password on stdin; fails the test when it does not exit 0. */
export async function signIn(ocpUrl: string, dir: string, email: string, password = USER_PASSWORD) {
  const result = await ocp(['login', '--url', ocpUrl, '--email', email, '--password-stdin'], { dir, stdin: `${password}\n` });
  if (result.code !== 0) throw new Error(`ocp login failed (${result.code}): ${result.stderr}`);
  return result;
}
