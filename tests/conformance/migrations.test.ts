import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import type { Database } from '../../src/infra/db/database';
import { migrate, readMigrations, type Migration } from '../../src/infra/db/migrate';
import { openDatabase } from '../../src/infra/db/open-database';
import { inSystemScope } from '../../src/infra/tenant-scope';
import { openTestDatabase } from '../support/test-app';

describe('migrations (PostgreSQL when DATABASE_URL is set, else PGlite)', () => {
  let db: Database;
  let drop: () => Promise<void>;
  // What migrations made, as the owner sees it: schema_migrations and these test tables are no tenant's.
  const asOwner = <R>(sql: string) => inSystemScope(() => db.query<R>(sql));
  beforeEach(async () => {
    ({ db, drop } = await openTestDatabase({ empty: true }));
  });
  afterEach(() => drop());

  it('when applied twice, then the second run applies nothing and each version is recorded once', async () => {
    const all = readMigrations().map((m) => m.version);
    expect(all.length).toBeGreaterThan(0);
    await expect(migrate(db)).resolves.toEqual(all);
    await expect(migrate(db)).resolves.toEqual([]);
    const recorded = await asOwner<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(recorded.rows.map((r) => r.version)).toEqual(all);
  });

  it('when two instances migrate at the same moment, then each version is applied exactly once', async () => {
    const all = readMigrations().map((m) => m.version);
    const [a, b] = await Promise.all([migrate(db), migrate(db)]);
    expect([...a!, ...b!].sort((x, y) => x - y)).toEqual(all);
  });

  it('when a migration fails, then it is rolled back whole and the earlier ones stay applied', async () => {
    const migrations: Migration[] = [
      { version: 1, name: 'first', sql: 'CREATE TABLE first_table (id INT PRIMARY KEY);' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE second_table (id INT); SELECT no_such_function();' },
    ];
    await expect(migrate(db, migrations)).rejects.toThrow(/no_such_function/);
    const recorded = await asOwner<{ version: number }>('SELECT version FROM schema_migrations');
    expect(recorded.rows.map((r) => r.version)).toEqual([1]);
    await expect(asOwner('SELECT 1 FROM first_table')).resolves.toBeDefined();
    await expect(asOwner('SELECT 1 FROM second_table')).rejects.toThrow();
  });
});

describe('PGlite in DATA_DIR', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'ocp-pglite-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('when the database is closed and reopened, then migrations are not re-applied and the data is still there', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const first = await openDatabase(config);
    expect(first.engine).toBe('pglite');
    expect((await migrate(first)).length).toBeGreaterThan(0);
    await first.query("INSERT INTO users (id, email, role, password_hash) VALUES ('usr_kept', 'kept@example.com', 'user', 'x')");
    await first.close();

    const second = await openDatabase(config);
    try {
      await expect(migrate(second)).resolves.toEqual([]);
      const rows = await second.query<{ email: string }>("SELECT email FROM users WHERE id = 'usr_kept'");
      expect(rows.rows).toEqual([{ email: 'kept@example.com' }]);
    } finally {
      await second.close();
    }
  });
});
