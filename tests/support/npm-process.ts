import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

export interface NpmProcess {
  readonly child: ChildProcess;
  /** The JSON log lines printed so far. */
  readonly lines: Record<string, unknown>[];
  /** stdout and stderr so far. */
  output(): string;
  /** Resolves with the first log line that matches (rejects if the process exits first or after timeoutMs). */
  waitForLine(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (128 + signal number when a signal ended it). */
  readonly exited: Promise<number>;
  /** The pids of every process below npm (the shell, node), read now. */
  descendants(): number[];
  /** Kills what is left of the tree (cleanup after a failed test). */
  killTree(): void;
}

const SIGNALS: Record<string, number> = { SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** `npm <args>` in the repository, with only PATH and the given settings, as an operator would run it. */
export function spawnNpm(args: string[], env: Record<string, string>): NpmProcess {
  const child = spawn('npm', args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  const lines: Record<string, unknown>[] = [];
  let output = '';
  let partial = '';
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      if (!line.startsWith('{')) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // not a log line
      }
    }
    for (const wake of waiters) wake();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let hasExited = false;
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => {
      hasExited = true;
      for (const wake of waiters) wake();
      resolve(code ?? 128 + (SIGNALS[signal ?? ''] ?? 0));
    });
  });

  const descendants = (): number[] => {
    const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map((row) => row.trim().split(/\s+/).map(Number) as [number, number]);
    const found: number[] = [];
    const queue = [child.pid ?? -1];
    while (queue.length) {
      const parent = queue.shift();
      for (const [pid, ppid] of table) {
        if (ppid === parent && !found.includes(pid)) {
          found.push(pid);
          queue.push(pid);
        }
      }
    }
    return found;
  };
  // Children re-parented to init after npm died are not below it any more: remember what we saw.
  const seen = new Set<number>();
  const remember = () => {
    for (const pid of descendants()) seen.add(pid);
  };

  return {
    child,
    lines,
    output: () => output,
    waitForLine(match, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find(match);
          if (line) return done(() => resolve(line));
          if (hasExited) return done(() => reject(new Error(`process exited before the line came:\n${output}`)));
          return undefined;
        };
        const timer = setTimeout(() => done(() => reject(new Error(`timed out waiting for a line:\n${output}`))), timeoutMs);
        const done = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    exited,
    descendants() {
      remember();
      return [...seen];
    },
    killTree() {
      remember();
      for (const pid of [...seen, child.pid ?? -1]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    },
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
