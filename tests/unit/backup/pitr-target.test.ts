import { BackupError } from '../../../src/infra/db/backup/backup-engine';
import type { BaseBackup } from '../../../src/infra/db/backup/pitr-base-backup';
import { planPitrRestore } from '../../../src/infra/db/backup/pitr-restore';
import { parseRecoveryTime, pickBaseBackup } from '../../../src/infra/db/backup/pitr-target';

function backup(name: string, finishedAt: string): BaseBackup {
  return {
    name,
    path: `/b/${name}`,
    startedAt: new Date(finishedAt),
    finishedAt: new Date(finishedAt),
    serverVersionNum: 160004,
    systemIdentifier: '1',
    files: ['base.tar.gz', 'pg_wal.tar.gz'],
  };
}

describe('parseRecoveryTime', () => {
  it('when the time has a zone, then it is the same instant in UTC, to the microsecond', () => {
    expect(parseRecoveryTime('2026-11-28T14:03:00.123456Z')).toEqual({
      at: new Date('2026-11-28T14:03:00.123Z'),
      sql: '2026-11-28 14:03:00.123456+00',
    });
    expect(parseRecoveryTime('2026-11-28T15:03:00+01:00').sql).toBe('2026-11-28 14:03:00.000000+00');
    expect(parseRecoveryTime('2026-11-28 09:03-0530').sql).toBe('2026-11-28 14:33:00.000000+00');
    expect(parseRecoveryTime('2026-11-28T14:03:00.5z').at.toISOString()).toBe('2026-11-28T14:03:00.500Z');
  });

  it.each([
    ['no zone', '2026-11-28T14:03:00', /with a zone/],
    ['words', 'yesterday at noon', /not an ISO 8601 time/],
    ['February 30th', '2026-02-30T10:00:00Z', /not a real time/],
    ['hour 25', '2026-11-28T25:00:00Z', /not a real time/],
    ['second 60', '2026-11-28T10:00:60Z', /not a real time/],
    ['an offset of 15 hours', '2026-11-28T10:00:00+15:00', /impossible zone offset/],
    ['nanoseconds', '2026-11-28T10:00:00.1234567Z', /not an ISO 8601 time/],
    ['SQL in it', "2026-11-28T10:00:00Z'; DROP TABLE wallets; --", /not an ISO 8601 time/],
  ])('when it is %s, then it is refused', (_what, text, reason) => {
    expect(() => parseRecoveryTime(text)).toThrow(BackupError);
    expect(() => parseRecoveryTime(text)).toThrow(reason);
  });
});

describe('pickBaseBackup', () => {
  const now = new Date('2026-11-28T12:00:00Z');
  const backups = [backup('a', '2026-11-26T03:00:05Z'), backup('b', '2026-11-27T03:00:05Z'), backup('c', '2026-11-28T03:00:05Z')];

  it('when the target is between backups, then the newest one complete by then is picked', () => {
    expect(pickBaseBackup(backups, parseRecoveryTime('2026-11-27T10:00:00Z'), '/b', now).name).toBe('b');
    expect(pickBaseBackup(backups, parseRecoveryTime('2026-11-27T03:00:05Z'), '/b', now).name).toBe('b');
    expect(pickBaseBackup(backups, parseRecoveryTime('2026-11-27T03:00:04.999Z'), '/b', now).name).toBe('a');
  });

  it('when the target is "latest", then the newest backup is picked', () => {
    expect(pickBaseBackup(backups, undefined, '/b', now).name).toBe('c');
  });

  it('when the target is before the first backup was complete, in the future, or there is no backup, then it is refused', () => {
    expect(() => pickBaseBackup(backups, parseRecoveryTime('2026-11-26T03:00:04Z'), '/b', now)).toThrow(/before the first base backup/);
    expect(() => pickBaseBackup(backups, parseRecoveryTime('2026-11-28T12:00:01Z'), '/b', now)).toThrow(/in the future/);
    expect(() => pickBaseBackup([], undefined, '/b', now)).toThrow(/no base backup in \/b/);
  });
});

describe('planPitrRestore', () => {
  it('when the restore command has a line break, then it is refused before anything is read or written', () => {
    const request = {
      to: 'latest',
      baseBackupsDir: '/nonexistent-base-backups',
      restoreCommand: "cp /wal/%f %p'\narchive_command = 'rm -rf /",
      targetDir: '/nonexistent-target/data',
    };
    expect(() => planPitrRestore(request)).toThrow(/one line, without control characters/);
    expect(() => planPitrRestore({ ...request, restoreCommand: 'cp /wal/%f' })).toThrow(/%f .* and %p/);
  });
});
