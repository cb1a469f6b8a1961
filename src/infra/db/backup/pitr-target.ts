import { BackupError } from './backup-engine';
import type { BaseBackup } from './pitr-base-backup';

/** A recovery target: the instant, and the same instant as PostgreSQL reads it, to the microsecond. */
export interface RecoveryTime {
  at: Date;
  /** '2026-11-28 14:03:00.123456+00' for recovery_target_time. */
  sql: string;
}

// An explicit zone is required: a local time would mean another instant on another machine.
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Parses an ISO 8601 time with a zone; an impossible date (February 30th, 25:00) is refused. */
export function parseRecoveryTime(text: string): RecoveryTime {
  const m = ISO_TIME.exec(text.trim());
  if (!m) {
    throw new BackupError(
      `--to "${text}" is not an ISO 8601 time with a zone (for example 2026-11-28T14:03:00Z or 2026-11-28T15:03:00+01:00)`,
    );
  }
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as number[];
  const second = Number(m[6] ?? '0');
  const fraction = (m[7] ?? '').padEnd(6, '0');
  const zone = m[8]!.toUpperCase();
  const offsetMinutes = zone === 'Z' ? 0 : zoneMinutes(zone, text);
  const local = Date.UTC(year!, month! - 1, day!, hour!, minute!, second, Number(fraction.slice(0, 3)));
  const check = new Date(local);
  const real =
    check.getUTCFullYear() === year &&
    check.getUTCMonth() === month! - 1 &&
    check.getUTCDate() === day &&
    check.getUTCHours() === hour &&
    check.getUTCMinutes() === minute &&
    check.getUTCSeconds() === second;
  if (!real || year! < 1970) throw new BackupError(`--to "${text}" is not a real time`);
  const at = new Date(local - offsetMinutes * 60_000);
  const utc = at.toISOString(); // 2026-11-28T14:03:00.123Z
  return { at, sql: `${utc.slice(0, 10)} ${utc.slice(11, 23)}${fraction.slice(3)}+00` };
}

function zoneMinutes(zone: string, text: string): number {
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2) || '0');
  if (hours > 14 || minutes > 59) throw new BackupError(`--to "${text}" has an impossible zone offset`);
  return (zone.startsWith('-') ? -1 : 1) * (hours * 60 + minutes);
}

/**
 * The base backup to start from: the newest one that was complete at the target time (its
 * finishedAt at or before it). Refuses a target in the future or before the first backup.
 */
export function pickBaseBackup(backups: BaseBackup[], target: RecoveryTime | undefined, dir: string, now: Date): BaseBackup {
  if (backups.length === 0) throw new BackupError(`no base backup in ${dir} (take one with npm run basebackup)`);
  if (!target) return backups[backups.length - 1]!;
  if (target.at.getTime() > now.getTime()) {
    throw new BackupError(`--to ${target.at.toISOString()} is in the future (now: ${now.toISOString()})`);
  }
  const usable = backups.filter((b) => b.finishedAt.getTime() <= target.at.getTime());
  if (usable.length === 0) {
    throw new BackupError(
      `--to ${target.at.toISOString()} is before the first base backup in ${dir} was complete (${backups[0]!.finishedAt.toISOString()}): nothing to recover from`,
    );
  }
  return usable[usable.length - 1]!;
}
