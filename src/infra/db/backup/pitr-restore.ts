import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BackupError } from './backup-engine';
import { listBaseBackups, type BaseBackup } from './pitr-base-backup';
import { pickBaseBackup, parseRecoveryTime, type RecoveryTime } from './pitr-target';
import { runPgTool, runProgram, type PgTools } from './pitr-tools';

export interface PitrRequest {
  /** An ISO 8601 time with a zone, or "latest" for the end of the archived WAL. */
  to: string;
  baseBackupsDir: string;
  /** Folder holding the archived WAL; used by the default restore_command. */
  walArchiveDir?: string;
  /** A restore_command of your own (%f = file name, %p = destination), e.g. for an object store. */
  restoreCommand?: string;
  /** A new data directory: missing or empty. */
  targetDir: string;
}

/** What a restore will do, decided and checked before anything is written. */
export interface PitrPlan {
  backup: BaseBackup;
  /** Undefined: replay every archived segment ("latest"). */
  target?: RecoveryTime;
  targetDir: string;
  restoreCommand: string;
}

// A path goes inside a shell command inside a quoted setting: keep to characters that need no quoting.
const SAFE_PATH = /^[A-Za-z0-9_./@+,=-]+$/;

/**
 * Checks the request and picks the base backup; creates nothing, so a refused request leaves no
 * trace. Throws BackupError with a message for the operator.
 */
export function planPitrRestore(request: PitrRequest, now = new Date()): PitrPlan {
  const target = request.to === 'latest' ? undefined : parseRecoveryTime(request.to);
  const targetDir = resolve(request.targetDir);
  if (existsSync(targetDir)) {
    if (!statSync(targetDir).isDirectory()) throw new BackupError(`--target-dir ${targetDir} is not a directory`);
    if (readdirSync(targetDir).length > 0) {
      throw new BackupError(`--target-dir ${targetDir} is not empty: restore into a new, empty data directory, never over one`);
    }
  }
  if (!SAFE_PATH.test(targetDir)) throw new BackupError(`--target-dir ${targetDir}: use a path of letters, digits and ./_-`);
  const restoreCommand = request.restoreCommand ?? defaultRestoreCommand(request.walArchiveDir);
  // A line break would end the setting and start another one in postgresql.auto.conf.
  if ([...restoreCommand].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    throw new BackupError('the restore command must be one line, without control characters');
  if (!restoreCommand.includes('%f') || !restoreCommand.includes('%p')) {
    throw new BackupError('the restore command must contain %f (the WAL file name) and %p (where to copy it)');
  }
  const baseBackupsDir = resolve(request.baseBackupsDir);
  const backup = pickBaseBackup(listBaseBackups(baseBackupsDir), target, baseBackupsDir, now);
  const extra = backup.files.filter((f) => f !== 'base.tar.gz' && f !== 'pg_wal.tar.gz');
  if (!backup.files.includes('base.tar.gz') || extra.length > 0) {
    throw new BackupError(
      `base backup ${backup.path} holds ${backup.files.join(', ')}: only base.tar.gz and pg_wal.tar.gz (no tablespaces) are restored`,
    );
  }
  return { backup, ...(target ? { target } : {}), targetDir, restoreCommand };
}

function defaultRestoreCommand(walArchiveDir: string | undefined): string {
  if (!walArchiveDir) throw new BackupError('give the WAL archive: --wal-archive DIR (or WAL_ARCHIVE_DIR), or --restore-command');
  const dir = resolve(walArchiveDir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BackupError(`--wal-archive ${dir} is not a directory`);
  if (!SAFE_PATH.test(dir)) throw new BackupError(`--wal-archive ${dir}: use a path of letters, digits and ./_-`);
  return `cp ${dir}/%f %p`;
}

/**
 * Unpacks the plan's base backup into its (new) target directory, checks it against
 * pg_basebackup's own backup_manifest (pg_verifybackup), and writes the recovery settings and
 * recovery.signal: the next start of a server on it replays archived WAL up to the target and
 * promotes. Archiving is turned off in the copy so that it never writes into the source's archive;
 * turn it back on when the copy becomes the primary.
 */
export async function preparePitrDataDir(plan: PitrPlan, tools: PgTools = {}, at = new Date()): Promise<void> {
  const dir = plan.targetDir;
  mkdirSync(join(dir, 'pg_wal'), { recursive: true, mode: 0o700 });
  await runProgram('tar', ['-xzf', join(plan.backup.path, 'base.tar.gz'), '-C', dir], 'tar');
  if (plan.backup.files.includes('pg_wal.tar.gz')) {
    await runProgram('tar', ['-xzf', join(plan.backup.path, 'pg_wal.tar.gz'), '-C', join(dir, 'pg_wal')], 'tar');
  }
  await runPgTool(tools, 'pg_verifybackup', ['-m', join(plan.backup.path, 'backup_manifest'), '-w', join(dir, 'pg_wal'), '-q', dir]);
  const settings = [
    '',
    `# Point-in-time recovery written by npm run restore at ${at.toISOString()} from base backup ${plan.backup.name}`,
    `restore_command = '${plan.restoreCommand.replace(/'/g, "''")}'`,
    ...(plan.target ? [`recovery_target_time = '${plan.target.sql}'`, "recovery_target_action = 'promote'"] : []),
    "archive_mode = 'off'",
    '',
  ];
  appendFileSync(join(dir, 'postgresql.auto.conf'), settings.join('\n'));
  writeFileSync(join(dir, 'recovery.signal'), '');
  if (tools.osUser) await runProgram('chown', ['-R', `${tools.osUser}:`, dir], 'chown');
  await runProgram('chmod', ['0700', dir], 'chmod');
}

/**
 * Refuses binaries of another major version than the backup's source (a 16 data directory does
 * not start on 15, and the reverse needs pg_upgrade): checked before anything is written.
 */
export async function checkServerBinaries(plan: PitrPlan, tools: PgTools = {}): Promise<void> {
  const version = await runPgTool(tools, 'postgres', ['-V']);
  const major = Number(/\(PostgreSQL\)\s+(\d+)/.exec(version)?.[1]);
  const wanted = Math.floor(plan.backup.serverVersionNum / 10_000);
  if (major !== wanted) {
    throw new BackupError(
      `base backup ${plan.backup.name} is of PostgreSQL ${wanted}; the binaries here are ${Number.isNaN(major) ? 'unknown' : major}: set POSTGRES_BIN_DIR to PostgreSQL ${wanted}'s bin folder`,
    );
  }
}

export interface RecoveryOutcome {
  port: number;
  /** The server log lines about where replay stopped ("recovery stopping before commit of ..."). */
  summary: string[];
}

const POLL_MS = 200;

/**
 * Starts a server on the prepared directory on 127.0.0.1:port only (for checks before it serves)
 * and waits until recovery reached the target and the server was promoted. When the archive
 * ends before the target, PostgreSQL stops with "recovery ended before configured recovery
 * target was reached": that is a BackupError carrying the log's last lines.
 */
export async function startRecoveredServer(
  plan: PitrPlan,
  port: number,
  tools: PgTools = {},
  timeoutMs = 60 * 60 * 1000,
): Promise<RecoveryOutcome> {
  const dir = plan.targetDir;
  const log = join(dir, 'recovery.log');
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir}`;
  const deadline = Date.now() + timeoutMs;
  const waitSeconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  await runPgTool(tools, 'pg_ctl', ['-D', dir, '-l', log, '-o', options, '-w', '-t', waitSeconds, 'start'], { asOwner: true }).catch(
    (error: Error) => {
      throw new BackupError(`${error.message}\n${logTail(log)}`);
    },
  );
  for (;;) {
    const control = await runPgTool(tools, 'pg_controldata', ['-D', dir]);
    if (/^Database cluster state:\s+in production$/m.test(control)) break;
    const running = await runPgTool(tools, 'pg_ctl', ['-D', dir, 'status'], { asOwner: true }).then(
      () => true,
      () => false,
    );
    if (!running) throw new BackupError(`recovery failed; the server stopped:\n${logTail(log)}`);
    if (Date.now() > deadline)
      throw new BackupError(`recovery did not finish within ${waitSeconds} s; the server is still replaying:\n${logTail(log)}`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  const summary = readLog(log)
    .split('\n')
    .filter((l) => /recovery stopping|last completed transaction|selected new timeline|archive recovery complete/.test(l));
  return { port, summary };
}

function readLog(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

function logTail(path: string): string {
  return readLog(path).split('\n').filter(Boolean).slice(-8).join('\n');
}

export interface PitrRun {
  tools?: PgTools;
  /** Also start a server on 127.0.0.1:port and wait until it reached the target and was promoted. */
  start?: { port: number; timeoutMs?: number };
  /** Told the plan once it is checked, before anything is written (for a log line). */
  onPlan?: (plan: PitrPlan) => void;
}

/**
 * The whole restore-to-a-time, as `npm run restore -- --to` runs it and as a recovery drill can:
 * plan (refusing bad input with nothing written), check the binaries when starting, unpack and
 * configure the new data directory, and optionally start it. `to: 'latest'` restores the newest
 * base backup and replays every archived segment.
 */
export async function restorePointInTime(request: PitrRequest, run: PitrRun = {}): Promise<{ plan: PitrPlan; outcome?: RecoveryOutcome }> {
  const plan = planPitrRestore(request);
  const tools = run.tools ?? {};
  if (tools.osUser) await runProgram('id', ['-u', tools.osUser], `--os-user ${tools.osUser}`);
  if (run.start) await checkServerBinaries(plan, tools);
  run.onPlan?.(plan);
  await preparePitrDataDir(plan, tools);
  if (!run.start) return { plan };
  return { plan, outcome: await startRecoveredServer(plan, run.start.port, tools, run.start.timeoutMs) };
}
