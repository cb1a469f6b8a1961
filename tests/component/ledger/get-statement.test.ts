import { createWallet, fund, transfer, type TestUser } from '../../support/ledger';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

/** Parses our CSV (RFC 4180: quoted cells, doubled quotes, CRLF rows) back into rows of cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      cell += c;
    } else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      rows.push([...row, cell]);
      row = [];
      cell = '';
      i += 1;
    } else {
      cell += c;
    }
  }
  return rows;
}

describe('GET /wallets/:id/statement', () => {
  let t: TestApp;
  let owner: TestUser;
  beforeAll(async () => {
    t = await startTestApp();
    owner = await registerUser(t);
  });
  afterAll(() => t.close());

  const statement = (walletId: string, query: Record<string, string | number>, auth = owner.auth) =>
    t.http().get(`/api/v1/wallets/${walletId}/statement`).query(query).set(auth);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  /** A wallet with 500 before the window, then five transfers in it; the window's bounds. */
  async function walletWithHistory() {
    const wallet = (await createWallet(t, owner)).id;
    const other = (await createWallet(t, owner)).id;
    await fund(t, wallet, 500n);
    await fund(t, other, 10_000n);
    await sleep(5);
    const from = new Date();
    await sleep(2);
    const moves = [200n, -50n, 1000n, -325n, 75n];
    for (const [i, m] of moves.entries()) {
      const [a, b] = m > 0n ? [other, wallet] : [wallet, other];
      const res = await transfer(t, owner, {
        fromWalletId: a,
        toWalletId: b,
        amount: (m > 0n ? m : -m).toString(),
        description: `move ${i}`,
      });
      expect(res.status).toBe(201);
    }
    await sleep(2);
    const to = new Date();
    return { wallet, other, from, to, moves };
  }

  it('when the window holds entries, then opening + each entry = its running balance, and the last one is the closing balance', async () => {
    const { wallet, from, to, moves } = await walletWithHistory();
    const res = await statement(wallet, { from: from.toISOString(), to: to.toISOString() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ walletId: wallet, currency: 'USD', openingBalance: '500', closingBalance: '1400', nextCursor: null });
    expect(res.body.entries.map((e: { amount: string }) => e.amount)).toEqual(moves.map(String));
    let running = BigInt(res.body.openingBalance);
    for (const e of res.body.entries) {
      running += BigInt(e.amount);
      expect(e.balanceAfter).toBe(running.toString());
    }
    expect(running.toString()).toBe(res.body.closingBalance);
    expect(res.body.entries[0].description).toBe('move 0');
    // The closing balance is the balance at the end of the window.
    const at = await t
      .http()
      .get(`/api/v1/wallets/${wallet}/balance`)
      .query({ at: new Date(to.getTime() - 1).toISOString() })
      .set(owner.auth);
    expect(at.body.balance).toBe(res.body.closingBalance);
  });

  it('when the window is paged, then the pages together are the whole statement, in order, each with the same totals', async () => {
    const { wallet, from, to, moves } = await walletWithHistory();
    const amounts: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await statement(wallet, { from: from.toISOString(), to: to.toISOString(), limit: 2, ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ openingBalance: '500', closingBalance: '1400' });
      expect(res.body.entries.length).toBeLessThanOrEqual(2);
      amounts.push(...res.body.entries.map((e: { amount: string }) => e.amount));
      cursor = res.body.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(amounts).toEqual(moves.map(String));
  });

  it('when CSV is asked for, then opening, entries and closing rows, and descriptions cannot start a formula', async () => {
    const wallet = (await createWallet(t, owner)).id;
    const other = (await createWallet(t, owner)).id;
    await fund(t, other, 1000n);
    const from = new Date(Date.now() - 1);
    const evil = ['=HYPERLINK("http://evil.example","x")', '+1+2', '-2+3', '@SUM(A1)', 'a, "quoted"\r\nline'];
    for (const description of evil) {
      expect((await transfer(t, owner, { fromWalletId: other, toWalletId: wallet, amount: '10', description })).status).toBe(201);
    }
    await sleep(2);
    const query = { from: from.toISOString(), to: new Date().toISOString() };
    const byFormat = await statement(wallet, { ...query, format: 'csv' });
    const byAccept = await statement(wallet, query).set('Accept', 'text/csv');
    for (const res of [byFormat, byAccept]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
    }
    expect(byAccept.text).toBe(byFormat.text);
    const rows = parseCsv(byFormat.text);
    expect(rows[0]).toEqual([
      'row',
      'created_at',
      'entry_id',
      'transfer_id',
      'type',
      'amount',
      'balance',
      'currency',
      'counterparty_wallet_id',
      'description',
    ]);
    expect(rows.map((r) => r[0])).toEqual(['row', 'opening', 'entry', 'entry', 'entry', 'entry', 'entry', 'closing']);
    expect(rows[1]![6]).toBe('0');
    expect(rows[7]![6]).toBe('50');
    expect(rows.slice(2, 7).map((r) => r[9])).toEqual(["'" + evil[0], "'+1+2", "'-2+3", "'@SUM(A1)", 'a, "quoted"\r\nline']);
    expect(rows.slice(2, 7).map((r) => r[5])).toEqual(['10', '10', '10', '10', '10']);
  });

  it('when CSV pages are asked for, then the next cursor comes in OCP-Next-Cursor and only the last page closes', async () => {
    const { wallet, from, to } = await walletWithHistory();
    const query = { from: from.toISOString(), to: to.toISOString(), format: 'csv', limit: 3 };
    const first = await statement(wallet, query);
    expect(first.headers['ocp-next-cursor']).toEqual(expect.any(String));
    expect(parseCsv(first.text).map((r) => r[0])).toEqual(['row', 'opening', 'entry', 'entry', 'entry']);
    const second = await statement(wallet, { ...query, cursor: first.headers['ocp-next-cursor'] as string });
    expect(second.headers['ocp-next-cursor']).toBeUndefined();
    expect(parseCsv(second.text).map((r) => r[0])).toEqual(['row', 'entry', 'entry', 'closing']);
  });

  it('when the window is wrong (to not after from, in the future, impossible dates, a forged cursor), then 400 and no statement', async () => {
    const wallet = (await createWallet(t, owner)).id;
    const now = Date.now();
    const cases: [Record<string, string | number>, string][] = [
      [{ from: new Date(now - 1000).toISOString(), to: new Date(now - 1000).toISOString() }, 'query.to'],
      [{ from: new Date(now - 1000).toISOString(), to: new Date(now + 60_000).toISOString() }, 'query.to'],
      [{ from: '2026-02-30T00:00:00Z' }, 'query.from'],
      [{ to: new Date(now).toISOString() }, 'query.from'],
      [{ from: new Date(now - 1000).toISOString(), cursor: 'bm9wZQ' }, 'query.cursor'],
      [
        {
          from: new Date(now - 1000).toISOString(),
          cursor: Buffer.from('["2026-01-01T00:00:00Z","99999999999999999999"]').toString('base64url'),
        },
        'query.cursor',
      ],
      [{ from: new Date(now - 1000).toISOString(), limit: 501 }, 'query.limit'],
      [{ from: new Date(now - 1000).toISOString(), format: 'xml' }, 'query.format'],
    ];
    for (const [query, field] of cases) {
      const res = await statement(wallet, query);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
      expect(res.body.error.details.fields[0].field).toBe(field);
    }
  });

  it('when a page is followed by another, then its cursor names its last entry, not a place in the whole ledger', async () => {
    // The entries' order column counts every tenant's postings: a cursor carrying it would tell any
    // client how busy the platform is between two of its pages.
    const { wallet, from, to } = await walletWithHistory();
    const res = await statement(wallet, { from: from.toISOString(), to: to.toISOString(), limit: 2 });
    expect(Buffer.from(res.body.nextCursor, 'base64url').toString('utf8')).toBe(res.body.entries[1].id);
  });

  it("when another wallet's cursor is given, then 400 on query.cursor, even for a wallet of the same owner", async () => {
    const first = await walletWithHistory();
    const second = await walletWithHistory();
    const page = await statement(first.wallet, { from: first.from.toISOString(), to: first.to.toISOString(), limit: 2 });
    const res = await statement(second.wallet, { from: second.from.toISOString(), cursor: page.body.nextCursor });
    expect(res.status).toBe(400);
    expect(res.body.error.details.fields[0].field).toBe('query.cursor');
  });

  it("when someone else's wallet is asked for, then 404 wallet_not_found", async () => {
    const wallet = (await createWallet(t, owner)).id;
    const stranger = await registerUser(t);
    const res = await statement(wallet, { from: new Date(Date.now() - 1000).toISOString() }, stranger.auth);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('wallet_not_found');
  });
});
