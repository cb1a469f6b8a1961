import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { inspect } from 'node:util';
import type { Database } from '../../src/infra/db/database';
import { PgliteDatabase } from '../../src/infra/db/pglite';
import { PostgresDatabase } from '../../src/infra/db/postgres';
import { inSystemScope } from '../../src/infra/tenant-scope';

/** The engines themselves, on schemas without OCP's migrations (no tenant role): as the owner. */
const itAsOwner = (name: string, fn: () => Promise<unknown>, timeoutMs?: number) => it(name, () => inSystemScope(fn), timeoutMs);

/**
 * One suite for both SQL adapters: embedded PGlite always, the PostgreSQL server where DATABASE_URL
 * is set. On PostgreSQL, statements a transaction issues without awaiting each are pipelined.
 */
const adapters: [string, () => Promise<{ db: Database; drop: () => Promise<void> }>][] = [
  [
    'PGlite',
    async () => {
      const db = await PgliteDatabase.open();
      return { db, drop: () => db.close() };
    },
  ],
];
const url = process.env.DATABASE_URL;
if (url) {
  adapters.push([
    'PostgreSQL',
    async () => {
      const schema = `conf_${randomBytes(5).toString('hex')}`;
      const admin = new PostgresDatabase({ connectionString: url, poolMax: 1 });
      await admin.exec(`CREATE SCHEMA ${schema}`);
      // One connection: a transaction that failed must leave it fit for the next.
      const db = new PostgresDatabase({ connectionString: url, poolMax: 1, schema });
      return {
        db,
        drop: async () => {
          await db.close();
          await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
          await admin.close();
        },
      };
    },
  ]);
}

describe.each(adapters)('%s', (_name, open) => {
  let db: Database;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    ({ db, drop } = await open());
    await inSystemScope(() => db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER NOT NULL CHECK (n >= 0))'));
  });
  afterAll(() => drop());
  beforeEach(() => inSystemScope(() => db.exec('DELETE FROM items')));

  const ids = async () => (await db.query<{ id: string }>('SELECT id FROM items ORDER BY id')).rows.map((r) => r.id);

  itAsOwner('when writes issued side by side all succeed, then all commit with their results', async () => {
    const counts = await db.transaction((tx) =>
      Promise.all(['a', 'b', 'c'].map(async (id) => (await tx.query('INSERT INTO items (id, n) VALUES ($1, 1)', [id])).rowCount)),
    );
    expect(counts).toEqual([1, 1, 1]);
    expect(await ids()).toEqual(['a', 'b', 'c']);
  });

  itAsOwner('when one of the writes issued side by side fails, then none of them is kept and the error is the failing one', async () => {
    const attempt = db.transaction((tx) =>
      Promise.all([
        tx.query('INSERT INTO items (id, n) VALUES ($1, 1)', ['a']),
        tx.query('INSERT INTO items (id, n) VALUES ($1, -1)', ['b']),
        tx.query('INSERT INTO items (id, n) VALUES ($1, 1)', ['c']),
      ]),
    );
    await expect(attempt).rejects.toThrow(/check constraint/);
    expect(await ids()).toEqual([]);
  });

  itAsOwner('when a statement fails, then its error carries no bound values (an unknown error is logged whole)', async () => {
    const secret = `pw-hash-${randomBytes(8).toString('hex')}`;
    const failures = [
      db.query('SELECT $1::text AS v, 1 / 0 AS boom', [secret]),
      db.transaction((tx) => tx.query('SELECT $1::text AS v, 1 / 0 AS boom', [secret])),
    ];
    for (const failure of failures) {
      const error = await failure.then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.message).toMatch(/division by zero/);
      expect(error).not.toHaveProperty('params');
      expect(inspect(error, { depth: 10 })).not.toContain(secret);
      expect(JSON.stringify(error)).not.toContain(secret);
    }
  });

  itAsOwner(
    'when the work throws after its first statement, then that statement is rolled back and the connection serves the next transaction',
    async () => {
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO items (id, n) VALUES ($1, 1)', ['a']);
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      await db.transaction((tx) => tx.query('INSERT INTO items (id, n) VALUES ($1, 1)', ['b']));
      expect(await ids()).toEqual(['b']);
    },
  );

  itAsOwner('when 50 transactions update one row at once, then every update counts', async () => {
    await db.query('INSERT INTO items (id, n) VALUES ($1, 0)', ['counter']);
    await Promise.all(
      Array.from({ length: 50 }, () =>
        db.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number }>('SELECT n FROM items WHERE id = $1 FOR UPDATE', ['counter']);
          await tx.query('UPDATE items SET n = $2 WHERE id = $1', ['counter', rows[0]!.n + 1]);
        }),
      ),
    );
    expect((await db.query<{ n: number }>('SELECT n FROM items WHERE id = $1', ['counter'])).rows[0]!.n).toBe(50);
  });
});

const onPostgres = url ? describe : describe.skip;
onPostgres('PostgreSQL socket writes', () => {
  itAsOwner('when a transaction issues statements together, then they leave in one write to the server', async () => {
    const db = new PostgresDatabase({ connectionString: url!, poolMax: 1 });
    await db.query('SELECT 1');
    // Every flush of a socket, single or gathered, goes through _writeGeneric.
    const flushes = jest.spyOn(Socket.prototype as unknown as { _writeGeneric: (...args: unknown[]) => void }, '_writeGeneric');
    try {
      await db.transaction(async (tx) => {
        await Promise.resolve(); // as a guard that has nothing to do
        await tx.query('SELECT $1::int', [1]); // pipelined with BEGIN: one write
        await Promise.all([tx.query('SELECT $1::int', [2]), tx.query('SELECT $1::int', [3])]); // one write
      }); // COMMIT: one write
      expect(flushes).toHaveBeenCalledTimes(3);
    } finally {
      flushes.mockRestore();
      await db.close();
    }
  });
});
