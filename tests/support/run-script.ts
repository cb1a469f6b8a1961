import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

export interface ScriptRun {
  code: number;
  /** The JSON log lines the script printed. */
  lines: Record<string, unknown>[];
  output: string;
}

/**
 * Runs src/scripts/<script> in its own process through tsx, as `npm run` does, with only PATH and
 * the given settings. Node is started with --liftoff-only, as `npm test` is (see CONTRIBUTING.md):
 * a script on an embedded database starts PGlite's WebAssembly, and the optimising tier's compile
 * of it is most of a short run's CPU.
 */
export function runScript(script: string, args: string[], env: Record<string, string | undefined>): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--liftoff-only', '--import', 'tsx', join(ROOT, 'src/scripts', script), ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const lines = stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>);
        resolve({ code: error ? Number(error.code ?? 1) : 0, lines, output: stdout + stderr });
      },
    );
  });
}
