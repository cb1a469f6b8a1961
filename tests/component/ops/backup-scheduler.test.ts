import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/config';
import {
  BackupScheduler,
  createBackupScheduler,
  dailySlot,
  hourlySlot,
  type ScheduledJob,
} from '../../../src/infra/db/backup/backup-scheduler';
import type { Database } from '../../../src/infra/db/database';
import { migrate } from '../../../src/infra/db/migrate';
import { openDatabase } from '../../../src/infra/db/open-database';
import { PostgresDatabase } from '../../../src/infra/db/postgres';
import { createLogger } from '../../../src/infra/logger';
import { createScratchDatabase } from '../../support/scratch-database';
import { CapturedLogs, openTestDatabase, startTestApp } from '../../support/test-app';

const onPostgres = Boolean(process.env.DATABASE_URL);

describe('the built-in backup scheduler (BACKUP_SCHEDULE)', () => {
  it('when BACKUP_SCHEDULE is not set, then the API runs no scheduler', async () => {
    const t = await startTestApp();
    try {
      expect(t.config.BACKUP_SCHEDULE).toBeUndefined();
      expect(t.container.backupScheduler).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('when BACKUP_SCHEDULE is malformed or set without PostgreSQL, then the config is refused naming it', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/test', BACKUP_SCHEDULE: 'daily@25:00' })).toThrow(
      /BACKUP_SCHEDULE: must be daily@HH:MM/,
    );
    expect(() => loadConfig({ BACKUP_SCHEDULE: 'daily@03:00' })).toThrow(/BACKUP_SCHEDULE: the built-in scheduler needs PostgreSQL/);
    expect(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/test', BACKUP_SCHEDULE: 'daily@03:00' }).BACKUP_SCHEDULE).toBe('daily@03:00');
  });

  it('when slots are computed, then the daily one is the newest HH:MM UTC and the hourly one the hour', () => {
    const slot = dailySlot('daily@03:00');
    expect(slot(new Date('2026-12-06T02:59:59Z'))).toEqual(new Date('2026-12-05T03:00:00Z'));
    expect(slot(new Date('2026-12-06T03:00:00Z'))).toEqual(new Date('2026-12-06T03:00:00Z'));
    expect(slot(new Date('2026-12-06T23:10:00Z'))).toEqual(new Date('2026-12-06T03:00:00Z'));
    expect(hourlySlot(new Date('2026-12-06T23:10:05Z'))).toEqual(new Date('2026-12-06T23:00:00Z'));
  });

  describe('several instances on one database', () => {
    let db: Database;
    let other: Database | undefined;
    let drop: () => Promise<void>;
    let now: Date;
    const runs: string[] = [];
    const job = (name: ScheduledJob['name'], slotOf: ScheduledJob['slotOf']): ScheduledJob => ({
      name,
      slotOf,
      run: async () => {
        runs.push(name);
        await new Promise((r) => setTimeout(r, 20));
      },
    });

    beforeAll(async () => {
      ({ db, drop } = await openTestDatabase());
      await migrate(db);
    });
    afterAll(async () => {
      await other?.close();
      await drop();
    });

    it('when four schedulers tick at once, day after day, then each slot runs exactly once', async () => {
      now = new Date('2026-12-06T03:00:30Z');
      const jobs = [job('full', dailySlot('daily@03:00')), job('incremental', hourlySlot)];
      const logger = createLogger('error');
      const schedulers = Array.from({ length: 4 }, () => new BackupScheduler(db, jobs, logger, () => now));
      const tickAll = async () => (await Promise.all(schedulers.map((s) => s.tick()))).flat().sort();

      expect(await tickAll()).toEqual(['full', 'incremental']);
      expect(await tickAll()).toEqual([]);
      now = new Date('2026-12-06T04:00:01Z');
      expect(await tickAll()).toEqual(['incremental']);
      now = new Date('2026-12-07T02:59:00Z');
      expect(await tickAll()).toEqual(['incremental']);
      now = new Date('2026-12-07T03:00:00Z');
      expect(await tickAll()).toEqual(['full', 'incremental']);
      expect(runs.sort()).toEqual(['full', 'full', 'incremental', 'incremental', 'incremental', 'incremental'].sort());
    });

    it('when a job fails, then it is logged, the others still run, and the slot is not run again', async () => {
      now = new Date('2026-12-08T03:00:00Z');
      const logs = new CapturedLogs();
      const failing: ScheduledJob = { name: 'full', slotOf: dailySlot('daily@03:00'), run: () => Promise.reject(new Error('disk full')) };
      const scheduler = new BackupScheduler(db, [failing, job('incremental', hourlySlot)], createLogger('info', [logs]), () => now);
      expect(await scheduler.tick()).toEqual(['incremental']);
      expect(logs.entries).toContainEqual(expect.objectContaining({ level: 'error', message: 'scheduled backup job failed', job: 'full' }));
      expect(await scheduler.tick()).toEqual([]);
    });

    (onPostgres ? it : it.skip)('when two schedulers use two pools (two servers), then still only one runs a slot', async () => {
      const url = new URL(process.env.DATABASE_URL!);
      const schema = (await db.query<{ s: string }>('SELECT current_schema() AS s')).rows[0]!.s;
      other = new PostgresDatabase({ connectionString: url.toString(), poolMax: 2, schema });
      now = new Date('2026-12-09T03:00:00Z');
      const before = runs.length;
      const a = new BackupScheduler(db, [job('full', dailySlot('daily@03:00'))], createLogger('error'), () => now);
      const b = new BackupScheduler(other, [job('full', dailySlot('daily@03:00'))], createLogger('error'), () => now);
      const ran = await Promise.all([a.tick(), b.tick(), a.tick(), b.tick()]);
      expect(ran.flat()).toEqual(['full']);
      expect(runs.length - before).toBe(1);
    });
  });

  const hasPgDump = spawnSync('pg_dump', ['--version']).status === 0;
  (onPostgres && hasPgDump ? it : it.skip)(
    'when the scheduled full backup is due, then a backup with its manifest lands in BACKUP_DIR',
    async () => {
      const scratch = await createScratchDatabase('sched');
      const backupDir = mkdtempSync(join(tmpdir(), 'ocp-sched-backups-'));
      const config = loadConfig({ ...scratch.env, BACKUP_DIR: backupDir, BACKUP_SCHEDULE: 'daily@03:00' });
      const db = await openDatabase(config);
      try {
        await migrate(db);
        const scheduler = createBackupScheduler(
          { ...config, BACKUP_SCHEDULE: 'daily@03:00', DATABASE_URL: config.DATABASE_URL! },
          db,
          createLogger('error'),
        );
        expect(await scheduler.tick()).toEqual(['full']);
        expect(readdirSync(backupDir).map((n) => n.replace(/\d/g, '0'))).toEqual(
          expect.arrayContaining(['ocp-0000-00-00T00-00-00-000Z.dump', 'ocp-0000-00-00T00-00-00-000Z.dump.manifest.json']),
        );
        expect(await scheduler.tick()).toEqual([]);
      } finally {
        await db.close();
        await scratch.drop();
        rmSync(backupDir, { recursive: true, force: true });
      }
    },
  );
});
