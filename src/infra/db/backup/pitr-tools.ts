import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { BackupError } from './backup-engine';

const TOOL_TIMEOUT_MS = 6 * 60 * 60 * 1000;

/**
 * Where PostgreSQL's server programs are (pg_basebackup, pg_ctl, pg_controldata, pg_verifybackup)
 * and which operating-system user owns a data directory. The server refuses to run as root, so a
 * restore run by root hands the directory to `osUser` and starts the server as that user.
 */
export interface PgTools {
  /** Folder of the binaries (/usr/lib/postgresql/16/bin); PATH when absent. */
  binDir?: string;
  /** OS user that owns the restored data directory and runs the server (runuser -u). */
  osUser?: string;
}

export interface ToolRun {
  env?: NodeJS.ProcessEnv;
  /** Run as tools.osUser (the server and pg_ctl must not run as root). */
  asOwner?: boolean;
  /** Text to hide from an error message (a password). */
  secret?: string;
  timeoutMs?: number;
}

/** Runs one PostgreSQL program; a failure is a BackupError naming the tool and its stderr. */
export function runPgTool(tools: PgTools, tool: string, args: string[], run: ToolRun = {}): Promise<string> {
  const program = tools.binDir ? join(tools.binDir, tool) : tool;
  const [command, argv] = run.asOwner && tools.osUser ? ['runuser', ['-u', tools.osUser, '--', program, ...args]] : [program, args];
  return runProgram(command, argv, tool, run);
}

/** Runs a system program (tar, chown) with the same error handling. */
export function runProgram(command: string, args: string[], label: string, run: ToolRun = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    // Tool output in English whatever the machine's locale: pg_controldata's labels are parsed.
    const env = { ...process.env, ...run.env, LC_ALL: 'C' };
    execFile(command, args, { env, timeout: run.timeoutMs ?? TOOL_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const text = run.secret ? stderr.split(run.secret).join('***') : stderr;
      const reason = missing ? `${command} not found (install the PostgreSQL server binaries or set POSTGRES_BIN_DIR)` : text.trim();
      reject(new BackupError(`${label} failed: ${reason || `exit code ${String(error.code)}`}`));
    });
  });
}
