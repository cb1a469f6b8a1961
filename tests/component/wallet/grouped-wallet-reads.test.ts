import type { QueryOptions, SqlClient } from '../../../src/infra/db/database';
import { migrate } from '../../../src/infra/db/migrate';
import { SqlWalletRepository } from '../../../src/modules/wallet/adapters/sql-wallet.repository';
import { openTestDatabase } from '../../support/test-app';

/** The database, counting the statements sent to it. */
function counting(db: SqlClient): SqlClient & { statements: number } {
  const counted = {
    statements: 0,
    query: (text: string, params?: readonly unknown[], options?: QueryOptions) => {
      counted.statements++;
      return db.query(text, params, options);
    },
    exec: (script: string) => db.exec(script),
  };
  return counted as SqlClient & { statements: number };
}

describe('wallet reads asked at the same time', () => {
  let opened: Awaited<ReturnType<typeof openTestDatabase>>;
  const ids = Array.from({ length: 20 }, (_, i) => `wal_grouped_${i}`);

  beforeAll(async () => {
    opened = await openTestDatabase();
    await migrate(opened.db);
    await opened.db.query(`INSERT INTO users (id, email, role, password_hash) VALUES ('usr_grouped', 'grouped@example.com', 'user', 'x')`);
    const writer = new SqlWalletRepository(opened.db);
    for (const id of ids)
      await writer.insert({ id, userId: 'usr_grouped', currency: 'USD', label: null, metadata: {}, lowBalanceThreshold: null });
  });
  afterAll(() => opened.drop());

  it('when 20 wallets (one twice, one unknown) are read at once, then a few statements answer all of them, each with its own wallet', async () => {
    const db = counting(opened.db);
    const wallets = new SqlWalletRepository(db);
    const asked = [...ids, ids[3]!, 'wal_unknown'];
    const found = await Promise.all(asked.map((id) => wallets.findById(id)));
    expect(found.map((wallet) => wallet?.id ?? null)).toEqual([...ids, ids[3], null]);
    // The first read goes alone; the rest wait together for the busy lane (too few for a spare one).
    expect(db.statements).toBe(2);
  });

  it('when a wallet changes between two reads, then the second read sees the change', async () => {
    const wallets = new SqlWalletRepository(opened.db);
    await wallets.findById(ids[0]!);
    await opened.db.query(`UPDATE wallets SET label = 'changed' WHERE id = $1`, [ids[0]]);
    expect((await wallets.findById(ids[0]!))?.label).toBe('changed');
  });
});
