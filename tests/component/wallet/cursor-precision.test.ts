import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

describe('cursor pagination and timestamp precision', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('when rows were created within the same millisecond, then paging one at a time still returns every row once', async () => {
    const user = await registerUser(t);
    // Microseconds apart, inside one millisecond: what concurrent inserts produce on PostgreSQL.
    for (const [id, at] of [
      ['wal_same_ms_a', '2026-01-01T00:00:00.123100Z'],
      ['wal_same_ms_b', '2026-01-01T00:00:00.123200Z'],
      ['wal_same_ms_c', '2026-01-01T00:00:00.123300Z'],
    ]) {
      await t.container.db.query("INSERT INTO wallets (id, kind, user_id, currency, created_at) VALUES ($1, 'user', $2, 'USD', $3)", [
        id,
        user.id,
        at,
      ]);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { data: { id: string }[]; nextCursor: string | null } } = await t
        .http()
        .get(`/api/v1/wallets?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
        .set(user.auth);
      seen.push(...res.body.data.map((w) => w.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual(['wal_same_ms_a', 'wal_same_ms_b', 'wal_same_ms_c']);
  });
});
