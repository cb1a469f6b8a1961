import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupError } from '../../../src/infra/db/backup/backup-engine';
import { BASE_BACKUP_MANIFEST } from '../../../src/infra/db/backup/pitr-base-backup';
import {
  checkServerBinaries,
  planPitrRestore,
  restorePointInTime,
  startRecoveredServer,
  type PitrPlan,
} from '../../../src/infra/db/backup/pitr-restore';

// The restore's own decisions with PostgreSQL's programs replaced by shell scripts in a temporary
// bin folder: what it refuses before writing, the version check, and how it reports a recovery
// that stopped or ran out of time.
describe('point-in-time restore', () => {
  let root: string;
  let baseBackups: string;
  let walArchive: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ocp-pitr-'));
    baseBackups = join(root, 'base');
    walArchive = join(root, 'wal');
    mkdirSync(walArchive);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /** A base backup (a real base.tar.gz holding PG_VERSION) with the given files listed in its manifest. */
  function baseBackup(files = ['base.tar.gz'], serverVersionNum = 160004): string {
    const dir = join(baseBackups, '2026-12-01T03-00-00-000Z');
    mkdirSync(dir, { recursive: true });
    const content = join(root, 'content');
    mkdirSync(content, { recursive: true });
    writeFileSync(join(content, 'PG_VERSION'), '16\n');
    execFileSync('tar', ['-czf', join(dir, 'base.tar.gz'), '-C', content, 'PG_VERSION']);
    const manifest = {
      format: 1,
      startedAt: '2026-12-01T03:00:00.000Z',
      finishedAt: '2026-12-01T03:00:05.000Z',
      serverVersionNum,
      systemIdentifier: '7',
      files,
    };
    writeFileSync(join(dir, BASE_BACKUP_MANIFEST), JSON.stringify(manifest));
    return dir;
  }

  /** A bin folder whose programs are the given shell script bodies. */
  function bin(programs: Record<string, string>): string {
    const dir = join(root, 'bin');
    mkdirSync(dir, { recursive: true });
    for (const [name, body] of Object.entries(programs)) {
      writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(dir, name), 0o755);
    }
    return dir;
  }

  const request = (overrides: Partial<Parameters<typeof planPitrRestore>[0]> = {}) => ({
    to: 'latest',
    baseBackupsDir: baseBackups,
    walArchiveDir: walArchive,
    targetDir: join(root, 'restored'),
    ...overrides,
  });

  describe('planPitrRestore', () => {
    it('when the target directory exists and is empty, then it is used, with cp from the WAL archive as restore command', () => {
      baseBackup();
      mkdirSync(join(root, 'restored'));
      const plan = planPitrRestore(request());
      expect(plan).toMatchObject({ targetDir: join(root, 'restored'), restoreCommand: `cp ${walArchive}/%f %p` });
      expect(plan.target).toBeUndefined();
    });

    it('when the target is a file or a non-empty directory, then it is refused: a restore never writes over data', () => {
      baseBackup();
      writeFileSync(join(root, 'file'), 'x');
      expect(() => planPitrRestore(request({ targetDir: join(root, 'file') }))).toThrow(/is not a directory/);
      mkdirSync(join(root, 'used'));
      writeFileSync(join(root, 'used', 'PG_VERSION'), '16');
      expect(() => planPitrRestore(request({ targetDir: join(root, 'used') }))).toThrow(/is not empty/);
    });

    it('when a path would need quoting in the restore command, then it is refused', () => {
      baseBackup();
      expect(() => planPitrRestore(request({ targetDir: join(root, 'new data') }))).toThrow(/--target-dir .*: use a path of letters/);
      mkdirSync(join(root, 'wal archive'));
      expect(() => planPitrRestore(request({ walArchiveDir: join(root, 'wal archive') }))).toThrow(
        /--wal-archive .*: use a path of letters/,
      );
    });

    it('when no WAL archive is given, or it is not a directory, then it is refused; a restore command of its own needs none', () => {
      baseBackup();
      expect(() => planPitrRestore(request({ walArchiveDir: undefined }))).toThrow(/give the WAL archive/);
      expect(() => planPitrRestore(request({ walArchiveDir: join(root, 'missing') }))).toThrow(/--wal-archive .* is not a directory/);
      expect(planPitrRestore(request({ walArchiveDir: undefined, restoreCommand: 'aws s3 cp s3://wal/%f %p' })).restoreCommand).toBe(
        'aws s3 cp s3://wal/%f %p',
      );
    });

    it('when the base backup holds a tablespace, then it is refused: only base.tar.gz and pg_wal.tar.gz are restored', () => {
      baseBackup(['base.tar.gz', 'pg_wal.tar.gz', '16384.tar.gz']);
      const refused = (() => {
        try {
          planPitrRestore(request());
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toBeInstanceOf(BackupError);
      expect((refused as Error).message).toMatch(/holds base.tar.gz, pg_wal.tar.gz, 16384.tar.gz: only base.tar.gz and pg_wal.tar.gz/);
    });
  });

  describe('checkServerBinaries', () => {
    it('when postgres -V does not name a version, then the binaries are refused as unknown', async () => {
      baseBackup();
      const binDir = bin({ postgres: 'echo "postgres (SomethingElse) 1"' });
      await expect(checkServerBinaries(planPitrRestore(request()), { binDir })).rejects.toThrow(
        /is of PostgreSQL 16; the binaries here are unknown: set POSTGRES_BIN_DIR/,
      );
    });
  });

  describe('restorePointInTime', () => {
    it('when not asked to start, then the directory is unpacked, verified and configured for recovery, and no server is started', async () => {
      baseBackup();
      bin({ pg_verifybackup: 'exit 0', pg_ctl: 'echo started >> "$0.calls"; exit 1' });
      // No tools given: the programs come from PATH.
      const path = process.env.PATH;
      process.env.PATH = `${join(root, 'bin')}:${path}`;
      try {
        const result = await restorePointInTime(request());
        expect(result.outcome).toBeUndefined();
      } finally {
        process.env.PATH = path;
      }
      const restored = join(root, 'restored');
      expect(readFileSync(join(restored, 'PG_VERSION'), 'utf8')).toBe('16\n');
      expect(existsSync(join(restored, 'recovery.signal'))).toBe(true);
      expect(readFileSync(join(restored, 'postgresql.auto.conf'), 'utf8')).toContain(`restore_command = 'cp ${walArchive}/%f %p'`);
      expect(existsSync(join(root, 'bin', 'pg_ctl.calls'))).toBe(false);
    });

    it('when started and recovery reaches the target, then the log lines about where replay stopped are the summary', async () => {
      baseBackup();
      const binDir = bin({
        postgres: 'echo "postgres (PostgreSQL) 16.4"',
        pg_verifybackup: 'exit 0',
        pg_ctl: 'if [ "$5" = "-o" ]; then printf "LOG: redo starts\\nLOG: recovery stopping before commit of transaction 9\\n" > "$4"; fi',
        pg_controldata: 'echo "Database cluster state:               in production"',
      });
      const result = await restorePointInTime(request({ to: '2026-12-01T04:00:00Z' }), { tools: { binDir }, start: { port: 54999 } });
      expect(result.outcome).toEqual({ port: 54999, summary: ['LOG: recovery stopping before commit of transaction 9'] });
      expect(readFileSync(join(root, 'restored', 'postgresql.auto.conf'), 'utf8')).toContain("recovery_target_action = 'promote'");
    });
  });

  describe('startRecoveredServer', () => {
    let plan: PitrPlan;
    beforeEach(() => {
      baseBackup();
      plan = planPitrRestore(request());
      mkdirSync(plan.targetDir);
    });

    it('when the server stops during recovery, then the error says so (with no log, nothing after it)', async () => {
      const binDir = bin({
        pg_ctl: 'if [ "$3" = "status" ]; then exit 3; fi',
        pg_controldata: 'echo "Database cluster state:               in archive recovery"',
      });
      await expect(startRecoveredServer(plan, 54998, { binDir })).rejects.toThrow(/^recovery failed; the server stopped:\n$/);
    });

    it('when recovery is still replaying at the deadline, then the error says how long it waited and shows the log tail', async () => {
      const binDir = bin({
        pg_ctl: 'if [ "$5" = "-o" ]; then echo "LOG: restored log file 000000010000000000000003" > "$4"; fi',
        pg_controldata: 'echo "Database cluster state:               in archive recovery"',
      });
      const failed = startRecoveredServer(plan, 54997, { binDir }, 1);
      await expect(failed).rejects.toThrow(/did not finish within 1 s; the server is still replaying:\nLOG: restored log file 0+10+3$/);
    });
  });
});
