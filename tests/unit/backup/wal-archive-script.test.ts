import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(__dirname, '../../../docker/postgres/ocp-wal-archive');
const SEGMENT = '000000010000000000000003';

function archive(...args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(SCRIPT, args, (error, _stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stderr }));
  });
}

describe('docker/postgres/ocp-wal-archive (archive_command / restore_command)', () => {
  let dir: string;
  let store: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ocp-wal-'));
    store = join(dir, 'archive');
    mkdirSync(store);
    writeFileSync(join(dir, 'seg'), 'segment bytes');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when a segment is pushed, then it is in the archive under its name with no temporary file left', async () => {
    expect(await archive('push', join(dir, 'seg'), SEGMENT, store)).toEqual({ code: 0, stderr: '' });
    expect(readdirSync(store)).toEqual([SEGMENT]);
    expect(readFileSync(join(store, SEGMENT), 'utf8')).toBe('segment bytes');
  });

  it('when the same segment is pushed again with the same bytes, then it succeeds (a retry after a crash)', async () => {
    await archive('push', join(dir, 'seg'), SEGMENT, store);
    expect((await archive('push', join(dir, 'seg'), SEGMENT, store)).code).toBe(0);
  });

  it('when a segment of that name exists with other bytes, then push fails and keeps the archived one', async () => {
    await archive('push', join(dir, 'seg'), SEGMENT, store);
    writeFileSync(join(dir, 'seg'), 'another server');
    const run = await archive('push', join(dir, 'seg'), SEGMENT, store);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/refusing to overwrite/);
    expect(readFileSync(join(store, SEGMENT), 'utf8')).toBe('segment bytes');
    expect(readdirSync(store)).toEqual([SEGMENT]);
  });

  it('when the archive folder is missing, then push fails (PostgreSQL keeps the segment and retries)', async () => {
    expect((await archive('push', join(dir, 'seg'), SEGMENT, join(dir, 'absent'))).code).not.toBe(0);
  });

  it('when a name is a path, then it is refused', async () => {
    expect((await archive('push', join(dir, 'seg'), '../escape', store)).code).toBe(2);
    expect((await archive('fetch', '../seg', join(dir, 'out'), store)).code).toBe(2);
  });

  it('when a segment is fetched, then it is copied; when it is missing, then fetch exits 1 quietly', async () => {
    await archive('push', join(dir, 'seg'), SEGMENT, store);
    expect((await archive('fetch', SEGMENT, join(dir, 'out'), store)).code).toBe(0);
    expect(readFileSync(join(dir, 'out'), 'utf8')).toBe('segment bytes');
    expect(await archive('fetch', '00000002.history', join(dir, 'none'), store)).toEqual({ code: 1, stderr: '' });
  });
});
