import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_BACKUP_MANIFEST, listBaseBackups } from '../../../src/infra/db/backup/pitr-base-backup';

describe('listBaseBackups', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocp-base-backups-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['truncated JSON', '{"format": 1, "startedAt": '],
    ['JSON null', 'null'],
    ['another format', '{"format": 2}'],
  ])('when a manifest is %s, then the listing is refused naming that file, never a bare parse error', (_case, content) => {
    const backup = join(dir, '2026-12-06T12-00-00-000Z');
    mkdirSync(backup);
    writeFileSync(join(backup, BASE_BACKUP_MANIFEST), content);
    expect(() => listBaseBackups(dir)).toThrow(`${join(backup, BASE_BACKUP_MANIFEST)} is not a base backup manifest of this version`);
  });
});
