import type { Database, SqlClient } from '../../../infra/db/database';
import { EXAMPLES_MAX, type LedgerCheck, type LedgerCheckName, type LedgerReport, type LedgerVerifier } from '../ledger-verifier';

/** Each check is a query returning the ids of the rows that break it. */
const CHECKS: { name: LedgerCheckName; rule: string; offenders: string }[] = [
  {
    name: 'transfers_balanced',
    rule: 'every transfer has exactly two entries, in its currency, of its amount, summing to zero',
    offenders: `SELECT t.id FROM transfers t LEFT JOIN transactions e ON e.transfer_id = t.id
                 GROUP BY t.id
                HAVING count(e.id) <> 2 OR COALESCE(sum(e.amount), 0) <> 0
                    OR max(e.amount) <> t.amount OR bool_or(e.currency <> t.currency)`,
  },
  {
    name: 'balances_match_entries',
    rule: "every wallet's balance equals the sum of its entries",
    offenders: `SELECT w.id FROM wallets w LEFT JOIN transactions e ON e.wallet_id = w.id
                 GROUP BY w.id HAVING w.balance <> COALESCE(sum(e.amount), 0)`,
  },
  {
    name: 'no_negative_user_balance',
    rule: 'no user wallet has a negative balance',
    offenders: `SELECT id FROM wallets WHERE kind = 'user' AND balance < 0`,
  },
  {
    name: 'refunds_within_original',
    rule: 'the refunds of a transfer never exceed its amount and add up to its refunded_amount',
    offenders: `SELECT o.id FROM transfers o LEFT JOIN transfers r ON r.refund_of = o.id
                 GROUP BY o.id
                HAVING COALESCE(sum(r.amount), 0) > o.amount OR COALESCE(sum(r.amount), 0) <> o.refunded_amount`,
  },
  {
    name: 'held_matches_pending_holds',
    rule: "every wallet's held amount equals the sum of its pending holds",
    offenders: `SELECT w.id FROM wallets w
                  LEFT JOIN (SELECT from_wallet_id, sum(amount) AS pending FROM holds WHERE status = 'pending' GROUP BY from_wallet_id) h
                    ON h.from_wallet_id = w.id
                 WHERE w.held <> COALESCE(h.pending, 0)`,
  },
  {
    name: 'held_within_balance',
    rule: 'no wallet holds a negative amount, and no user wallet holds more than its balance',
    // A wallet holding nothing is no_negative_user_balance's to report.
    offenders: `SELECT id FROM wallets WHERE held < 0 OR (kind = 'user' AND held > 0 AND held > balance)`,
  },
  {
    name: 'captured_holds_match_transfers',
    rule: 'a hold has a capture transfer exactly when it is captured: a hold_capture of its captured amount between its wallets',
    offenders: `SELECT h.id FROM holds h LEFT JOIN transfers t ON t.id = h.capture_transfer_id
                 WHERE (h.status = 'captured') <> (t.id IS NOT NULL)
                    OR (t.id IS NOT NULL AND (t.type <> 'hold_capture' OR t.amount <> h.captured_amount
                        OR t.from_wallet_id <> h.from_wallet_id OR t.to_wallet_id <> h.to_wallet_id))`,
  },
];

export class SqlLedgerVerifier implements LedgerVerifier {
  constructor(private readonly db: Database) {}

  async verify(): Promise<LedgerReport> {
    return this.db.transaction(async (tx) => {
      // One snapshot for every check, so a ledger written to while it is verified reads as consistent.
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      const checks: LedgerCheck[] = [];
      for (const check of CHECKS) checks.push({ name: check.name, rule: check.rule, ...(await offenders(tx, check.offenders)) });
      const totals = await tx.query<{ currency: string; total: bigint }>(
        'SELECT currency, COALESCE(sum(balance), 0)::bigint AS total FROM wallets GROUP BY currency ORDER BY currency',
      );
      const counts = await tx.query<{ wallets: bigint; transfers: bigint; entries: bigint }>(
        `SELECT (SELECT count(*) FROM wallets) AS wallets, (SELECT count(*) FROM transfers) AS transfers,
                (SELECT count(*) FROM transactions) AS entries`,
      );
      const c = counts.rows[0]!;
      return {
        ok: checks.every((check) => check.violations === 0),
        checks,
        totalsByCurrency: Object.fromEntries(totals.rows.map((r) => [r.currency, BigInt(r.total)])),
        counts: { wallets: Number(c.wallets), transfers: Number(c.transfers), entries: Number(c.entries) },
      };
    });
  }
}

async function offenders(tx: SqlClient, query: string): Promise<{ violations: number; examples: string[] }> {
  const { rows } = await tx.query<{ id: string; total: bigint }>(
    `SELECT id, count(*) OVER () AS total FROM (${query}) offenders ORDER BY id LIMIT ${EXAMPLES_MAX}`,
  );
  return { violations: rows.length === 0 ? 0 : Number(rows[0]!.total), examples: rows.map((r) => r.id) };
}
