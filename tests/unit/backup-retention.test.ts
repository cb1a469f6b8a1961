import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backupName, backupTime, pruneBackups, stampOf, timeOfStamp } from '../../src/infra/db/backup/backup-files';
import { pruneWalArchive, segmentName, startSegment } from '../../src/infra/db/backup/wal-retention';

const NOW = new Date('2026-12-06T03:00:00.000Z');
const DAY_MS = 86_400_000;
const daysBefore = (days: number, hours = 0) => new Date(NOW.getTime() - days * DAY_MS - hours * 3_600_000);

describe('backup retention by age (fake clock: the time in the name, never the mtime)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocp-retention-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** One backup a day for 40 days (day 0 = today), PostgreSQL and PGlite alike, each with its manifest. */
  function fortyDays(extension: string): string[] {
    const names = Array.from({ length: 40 }, (_, day) => backupName(daysBefore(day), extension));
    for (const name of names) {
      writeFileSync(join(dir, name), 'x');
      writeFileSync(join(dir, `${name}.manifest.json`), '{}');
    }
    return names;
  }

  it.each(['dump', 'tar.gz'])('when %s backups span 40 days, then those older than 30 days go with their manifests', (extension) => {
    const names = fortyDays(extension);
    const deleted = pruneBackups(dir, { now: NOW, days: 30, keepMin: 7 });
    // Day 30 is exactly 30 days old: kept (older than, not as old as).
    expect(deleted.sort()).toEqual(names.slice(31).sort());
    const left = readdirSync(dir);
    expect(left).toHaveLength(31 * 2);
    for (const name of names.slice(0, 31)) expect(left).toEqual(expect.arrayContaining([name, `${name}.manifest.json`]));
  });

  it('when every backup is older than the retention, then the newest BACKUP_RETENTION_COUNT stay (the safety floor)', () => {
    const names = Array.from({ length: 10 }, (_, i) => backupName(daysBefore(100 + i), 'dump'));
    for (const name of names) writeFileSync(join(dir, name), 'x');
    const deleted = pruneBackups(dir, { now: NOW, days: 30, keepMin: 3 });
    expect(deleted.sort()).toEqual(names.slice(3).sort());
    expect(readdirSync(dir).sort()).toEqual(names.slice(0, 3).sort());
  });

  it('when files that are not ours are in the folder, however old, then none is touched', () => {
    const old = stampOf(daysBefore(90));
    const foreign = [
      'notes.txt',
      `ocp-${old}.sql`,
      `ocp-${old}.dump.partial`,
      `OCP-${old}.dump`,
      `ocp-2026-02-31T03-00-00-000Z.dump`,
      `backup-${old}.dump`,
      `ocp-${old}.dump.bak`,
    ];
    for (const name of foreign) writeFileSync(join(dir, name), 'x');
    mkdirSync(join(dir, backupName(daysBefore(90), 'dump'))); // a folder with a backup's name
    writeFileSync(join(dir, backupName(daysBefore(90), 'tar.gz')), 'x');
    const deleted = pruneBackups(dir, { now: NOW, days: 30, keepMin: 0 });
    expect(deleted).toEqual([backupName(daysBefore(90), 'tar.gz')]);
    expect(readdirSync(dir).sort()).toEqual([...foreign, backupName(daysBefore(90), 'dump')].sort());
  });

  it('when a name is read, then its UTC time is that of the name', () => {
    const at = new Date('2026-11-28T11:12:49.123Z');
    expect(backupTime(backupName(at, 'dump'))).toEqual(at);
    expect(timeOfStamp('2026-11-28T11-12-49Z')).toEqual(new Date('2026-11-28T11:12:49.000Z'));
    expect(timeOfStamp('2026-13-01T00-00-00Z')).toBeUndefined();
    expect(backupTime('ocp-2026-11-28T11-12-49-123Z.zip')).toBeUndefined();
  });
});

describe('base backups and WAL by age (BASE_BACKUP_DIR/<UTC stamp>/, WAL_ARCHIVE_DIR)', () => {
  let root: string;
  let bases: string;
  let wal: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ocp-wal-retention-'));
    bases = join(root, 'base');
    wal = join(root, 'wal');
    mkdirSync(bases);
    mkdirSync(wal);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  function baseBackup(at: Date, startLsn: string | undefined, seconds = false): string {
    const name = seconds ? stampOf(at).replace(/-\d{3}Z$/, 'Z') : stampOf(at);
    mkdirSync(join(bases, name));
    writeFileSync(join(bases, name, 'base.tar.gz'), 'x');
    if (startLsn) {
      const manifest = {
        'PostgreSQL-Backup-Manifest-Version': 1,
        'WAL-Ranges': [{ Timeline: 1, 'Start-LSN': startLsn, 'End-LSN': startLsn }],
      };
      writeFileSync(join(bases, name, 'backup_manifest'), JSON.stringify(manifest));
    }
    return name;
  }

  it('when an LSN is turned into a segment name, then it is the one PostgreSQL uses (16 MB segments)', () => {
    expect(segmentName(1, 0x2000028n)).toBe('000000010000000000000002');
    expect(segmentName(3, (0x1n << 32n) | 0xff000000n)).toBe('0000000300000001000000FF');
  });

  it('when weekly base backups span 40 days, then the one from before the 30 days stays (a target 30 days ago starts from it) and older ones and their WAL go', () => {
    const b40 = baseBackup(daysBefore(40), '0/2000028');
    const b33 = baseBackup(daysBefore(33), '0/5000028', true);
    const b26 = baseBackup(daysBefore(26), '0/8000060');
    const b19 = baseBackup(daysBefore(19), '0/B000028');
    const segments = Array.from({ length: 14 }, (_, i) => segmentName(1, BigInt(i) * 0x1000000n));
    const others = ['00000002.history', `${segmentName(1, 0x2000000n)}.00000028.backup`, 'README', `${segmentName(1, 0x7000000n)}.gz`];
    for (const name of [...segments, ...others]) writeFileSync(join(wal, name), 'x');
    // A later timeline's older segment goes too (pg_archivecleanup ignores the timeline).
    writeFileSync(join(wal, '000000020000000000000001'), 'x');

    const result = pruneWalArchive(bases, wal, { now: NOW, days: 30, keepMin: 1 });

    // A recovery to 29 days ago replays from b33, the newest base backup before it: b26 is after it.
    expect(result.baseBackups).toEqual([b40]);
    expect(readdirSync(bases).sort()).toEqual([b33, b26, b19].sort());
    expect(result.oldestKeptSegment).toBe('000000010000000000000005');
    const left = readdirSync(wal).sort();
    expect(left).toEqual([...segments.slice(5), `${segmentName(1, 0x7000000n)}.gz`, '00000002.history', 'README'].sort());
    expect(startSegment(join(bases, b26))).toBe('000000010000000000000008');
  });

  it('when a base backup is exactly as old as the retention, then it alone covers the window and the older ones go', () => {
    const b35 = baseBackup(daysBefore(35), '0/2000028');
    const b30 = baseBackup(daysBefore(30), '0/5000028');
    const b20 = baseBackup(daysBefore(20), '0/8000028');
    const result = pruneWalArchive(bases, wal, { now: NOW, days: 30, keepMin: 1 });
    expect(result.baseBackups).toEqual([b35]);
    expect(readdirSync(bases).sort()).toEqual([b30, b20].sort());
  });

  it('when the oldest kept base backup has no readable backup_manifest, then no WAL is deleted', () => {
    baseBackup(daysBefore(40), undefined);
    baseBackup(daysBefore(10), '0/2000028');
    writeFileSync(join(wal, '000000010000000000000001'), 'x');
    const result = pruneWalArchive(bases, wal, { now: NOW, days: 30, keepMin: 1 });
    expect(result.skipped).toMatch(/no readable backup_manifest/);
    expect(readdirSync(wal)).toEqual(['000000010000000000000001']);
  });

  it('when every base backup is old, then the newest stays and WAL from its start is kept', () => {
    baseBackup(daysBefore(50), '0/2000028');
    const newest = baseBackup(daysBefore(45), '0/4000028');
    writeFileSync(join(wal, '000000010000000000000003'), 'x');
    writeFileSync(join(wal, '000000010000000000000004'), 'x');
    const result = pruneWalArchive(bases, wal, { now: NOW, days: 30, keepMin: 1 });
    expect(readdirSync(bases)).toEqual([newest]);
    expect(result.walFiles).toEqual(['000000010000000000000003']);
    expect(readdirSync(wal)).toEqual(['000000010000000000000004']);
  });

  it('when there is no base backup at all, then no WAL is deleted', () => {
    writeFileSync(join(wal, '000000010000000000000001'), 'x');
    const result = pruneWalArchive(bases, wal, { now: NOW, days: 30, keepMin: 1 });
    expect(result.skipped).toMatch(/no base backup/);
    expect(readdirSync(wal)).toHaveLength(1);
  });
});
