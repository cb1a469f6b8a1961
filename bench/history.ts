/**
 * The history figure of `npm run bench`: GET /wallets/:id/transactions on a wallet with 1,000,000
 * entries against one with 100, first page and a page deep in the cursor.
 *
 * The big wallet is built by one bulk INSERT … SELECT generate_series (through the API it would take
 * the whole bench), and the rows are what the ledger itself would have written: each transfer
 * moves 1 from a system wallet made for it to the user wallet, debit then credit, with running
 * balance_after on both sides and the wallets' balances set to the last of them, so the
 * conservation check and verify-ledger hold on the bench database afterwards.
 */
import autocannon from 'autocannon';
import { target } from './targets';
import type { Client } from 'pg';

export interface HistoryRow {
  case: string;
  meanMs: number;
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
}

const SECONDS = Number(process.env.BENCH_HISTORY_SECONDS ?? 5);
const CONNECTIONS = 8;

/** Gives `walletId` (a user wallet with no entries yet) `entries` credits of 1, one millisecond apart. */
export async function fillHistory(db: Client, walletId: string, entries: number): Promise<void> {
  const source = `wal_bench_history_${walletId}`;
  await db.query('BEGIN');
  try {
    // The rows are consistent by construction: skip the foreign-key triggers (3 lookups per entry),
    // which made the insert of a million transfers take minutes. Needs a superuser, as pgbench does.
    await db.query('SET LOCAL session_replication_role = replica');
    // Rows of the default tenant, as the bench's users are (docs/tenants.md: the column takes its
    // default from this setting).
    await db.query("SET LOCAL ocp.tenant_id = 'ten_default'");
    await db.query(`INSERT INTO wallets (id, kind, currency, balance, label) VALUES ($1, 'system', 'USD', $2, 'bench history source')`, [
      source,
      -entries,
    ]);
    await db.query(
      `INSERT INTO transfers (id, type, status, amount, currency, from_wallet_id, to_wallet_id, initiated_by, created_at, updated_at)
       SELECT $1 || g, 'transfer', 'completed', 1, 'USD', $2, $3, 'bench', at, at
         FROM generate_series(1, $4::int) g, LATERAL (SELECT timestamptz '2026-01-01' + g * interval '1 millisecond' AS at) t`,
      [`tr_bh_${walletId}_`, source, walletId, entries],
    );
    // Debit then credit per transfer, in transfer order: the order ocp_post_transfers writes them in (seq).
    await db.query(
      `INSERT INTO transactions (id, transfer_id, wallet_id, amount, balance_after, currency, counterparty_wallet_id, created_at)
       SELECT $1 || g || side.tag, $2 || g, side.wallet, side.amount, side.amount * g, 'USD', side.other,
              timestamptz '2026-01-01' + g * interval '1 millisecond'
         FROM generate_series(1, $5::int) g,
              LATERAL (VALUES ('d', $3, -1, $4, 1), ('c', $4, 1, $3, 2)) AS side(tag, wallet, amount, other, ord)
        ORDER BY g, side.ord`,
      [`txn_bh_${walletId}_`, `tr_bh_${walletId}_`, source, walletId, entries],
    );
    await db.query('UPDATE wallets SET balance = $2 WHERE id = $1', [walletId, entries]);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  }
  // Now rather than by autovacuum in the middle of the measurement, which on a small machine took
  // the CPU the deep page was measured with (EXPLAIN ANALYZE gave 0.3 ms for it, the HTTP call 29).
  await db.query('VACUUM ANALYZE transfers');
  await db.query('VACUUM ANALYZE transactions');
}

/** A cursor as the API hands it out, built from the wallet's entry at `offset` (newest first). */
export async function cursorAt(db: Client, walletId: string, offset: number): Promise<string> {
  const { rows } = await db.query<{ created_at: Date; id: string }>(
    'SELECT created_at, id FROM transactions WHERE wallet_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1',
    [walletId, offset],
  );
  const row = rows[0];
  if (!row) throw new Error(`wallet ${walletId} has no entry at offset ${offset}`);
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

async function measure(name: string, url: string, path: string, token: string): Promise<HistoryRow> {
  // A second of warm-up, so the first of the four cases does not also pay for cold caches and plans.
  await autocannon({ url: url + path, connections: CONNECTIONS, duration: 1, headers: { authorization: `Bearer ${token}` } });
  const result = await autocannon({
    url: url + path,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}` },
  });
  if (result.non2xx + result.errors + result.timeouts > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    case: name,
    meanMs: result.latency.mean,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    perSecond: Math.round(result['2xx'] / SECONDS),
  };
}

/**
 * Fills a big and a small wallet and measures their first page and a page `deep` entries into the
 * big one (the small one's deep page is its last: 100 entries have no 900,000th).
 */
export async function historyFigures(
  db: Client,
  url: string,
  token: string,
  wallets: { big: string; small: string },
  sizes: { big: number; small: number },
): Promise<{ rows: HistoryRow[]; lines: string[] }> {
  await fillHistory(db, wallets.big, sizes.big);
  await fillHistory(db, wallets.small, sizes.small);
  // The bulk insert's dirty pages are written now, not during the timed pages.
  await db.query('CHECKPOINT');
  const deep = Math.floor(sizes.big * 0.9);
  const bigCursor = await cursorAt(db, wallets.big, deep);
  const smallCursor = await cursorAt(db, wallets.small, Math.floor(sizes.small * 0.9));
  const page = (id: string, cursor?: string) => `/api/v1/wallets/${id}/transactions?limit=20${cursor ? `&cursor=${cursor}` : ''}`;
  const small = await measure(`history, ${sizes.small} entries, first page`, url, page(wallets.small), token);
  const big = await measure(`history, ${sizes.big} entries, first page`, url, page(wallets.big), token);
  const smallDeep = await measure(
    `history, ${sizes.small} entries, page after ${Math.floor(sizes.small * 0.9)}`,
    url,
    page(wallets.small, smallCursor),
    token,
  );
  const bigDeep = await measure(`history, ${sizes.big} entries, page after ${deep}`, url, page(wallets.big, bigCursor), token);
  // The mean, not p50: autocannon's percentiles are whole milliseconds, too coarse for pages this fast.
  const ratio = (a: HistoryRow, b: HistoryRow) => a.meanMs / Math.max(b.meanMs, 0.001);
  return {
    rows: [small, big, smallDeep, bigDeep],
    lines: [
      target(`history first page mean latency, ${sizes.big} ÷ ${sizes.small} entries`, ratio(big, small), '≤', 2),
      target(`history deep page mean latency, ${sizes.big} ÷ ${sizes.small} entries`, ratio(bigDeep, smallDeep), '≤', 2),
    ],
  };
}
