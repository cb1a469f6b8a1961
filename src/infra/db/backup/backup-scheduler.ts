import { hostname } from 'node:os';
import { inSystemScope } from '../../tenant-scope';
import type { Config } from '../../../config/config';
import type * as BackupJobs from './backup-jobs';
import type { Logger } from '../../logger';
import { Periodic } from '../../periodic';
import type { SqlClient } from '../database';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** How often each instance looks for a slot that is due: a backup starts at most this late. */
export const SCHEDULER_TICK_MS = 60_000;

export interface ScheduledJob {
  /** Its row in backup_schedule. */
  name: 'full' | 'incremental';
  /** The newest slot at or before now. */
  slotOf(now: Date): Date;
  run(now: Date): Promise<unknown>;
}

/** `daily@03:00` → the newest 03:00 UTC at or before now. */
export function dailySlot(schedule: string): (now: Date) => Date {
  const m = /^daily@(\d{2}):(\d{2})$/.exec(schedule);
  if (!m) throw new Error(`not a daily@HH:MM schedule: ${schedule}`);
  const offsetMs = (Number(m[1]) * 60 + Number(m[2])) * 60_000;
  return (now) => new Date(Math.floor((now.getTime() - offsetMs) / DAY_MS) * DAY_MS + offsetMs);
}

export const hourlySlot = (now: Date): Date => new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);

/**
 * The built-in backup scheduler (BACKUP_SCHEDULE, off by default). Every API instance ticks every
 * minute; a due slot is claimed with one conditional upsert on backup_schedule, which moves the
 * job's slot forward only when it is older. PostgreSQL's row lock serialises the instances' upserts,
 * so exactly one of them sees its row returned and runs the job; the others find the slot taken.
 * A slot missed while every instance was down is run by the first tick after a start. A job that
 * fails is logged and not retried until its next slot (the alert on the drill's metric and the
 * backup log show it); an instance that dies mid-backup loses that slot, never runs it twice.
 */
export class BackupScheduler {
  private readonly periodic: Periodic;
  private readonly instance = `${hostname()}:${process.pid}`;

  constructor(
    private readonly db: SqlClient,
    private readonly jobs: readonly ScheduledJob[],
    private readonly logger: Logger,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.periodic = new Periodic('backup scheduler', () => this.tick().then(() => false), logger);
  }

  start(tickMs = SCHEDULER_TICK_MS): void {
    this.periodic.start(tickMs, 0);
  }

  stop(): Promise<void> {
    return this.periodic.stop();
  }

  /** Runs every job whose current slot this instance claimed; resolves to their names. */
  /** As the owner: the schedule and the backups are the whole database's, no tenant's. */
  tick(): Promise<string[]> {
    return inSystemScope(() => this.runDue());
  }

  private async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.jobs) {
      const now = this.clock();
      const slot = job.slotOf(now);
      if (!(await this.claim(job.name, slot))) continue;
      this.logger.info('scheduled backup job started', { job: job.name, slot: slot.toISOString() });
      try {
        await job.run(now);
        ran.push(job.name);
      } catch (error) {
        this.logger.error('scheduled backup job failed', { job: job.name, slot: slot.toISOString(), error });
      }
    }
    return ran;
  }

  private async claim(job: string, slot: Date): Promise<boolean> {
    const { rows } = await this.db.query(
      `INSERT INTO backup_schedule (job, slot_at, claimed_by) VALUES ($1, $2, $3)
       ON CONFLICT (job) DO UPDATE SET slot_at = EXCLUDED.slot_at, claimed_by = EXCLUDED.claimed_by, claimed_at = clock_timestamp()
         WHERE backup_schedule.slot_at < EXCLUDED.slot_at
       RETURNING job`,
      [job, slot, this.instance],
    );
    return rows.length === 1;
  }
}

/**
 * The scheduler BACKUP_SCHEDULE asks for (the config refuses it without DATABASE_URL): the daily
 * full backup, and the hourly incremental when WAL_ARCHIVE_DIR says WAL is archived.
 */
export function createBackupScheduler(config: Config & { BACKUP_SCHEDULE: string; DATABASE_URL: string }, db: SqlClient, logger: Logger) {
  // pg_dump's wrapper and pg load only when a schedule is set.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const jobs = () => require('./backup-jobs') as typeof BackupJobs;
  const scheduled: ScheduledJob[] = [
    { name: 'full', slotOf: dailySlot(config.BACKUP_SCHEDULE), run: (now) => jobs().takeFullBackup(config, logger, now) },
  ];
  if (config.WAL_ARCHIVE_DIR) {
    scheduled.push({ name: 'incremental', slotOf: hourlySlot, run: (now) => jobs().takeIncremental(config, logger, now) });
  }
  return new BackupScheduler(db, scheduled, logger);
}
