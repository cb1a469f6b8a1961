import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

export interface ScriptRun {
  code: number;
  /** The JSON log lines the script printed. */
  lines: Record<string, unknown>[];
  output: string;
}

/** Runs src/scripts/<script> as `npm run` would, with only PATH and the given settings. */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<ScriptRun> {
  return new Promise((resolve) => {
    execFile(
      TSX,
      [join(ROOT, 'src/scripts', script), ...args],
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
