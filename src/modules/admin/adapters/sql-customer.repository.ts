import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { WalletStatus } from '../../wallet';
import type { AgentSummary, Customer, CustomerEntry, CustomerRepository, CustomerWallet } from '../customers/customer.repository';

interface CustomerRow {
  id: string;
  email: string;
  created_at: Date;
  locked_at: Date | null;
  locked_reason: string | null;
}
interface WalletRow {
  id: string;
  currency: string;
  balance: bigint;
  status: WalletStatus;
  admin_hold: boolean;
  label: string | null;
  created_at: Date;
}

const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  email: r.email,
  createdAt: r.created_at,
  lockedAt: r.locked_at,
  lockedReason: r.locked_reason,
});
const toWallet = (r: WalletRow): CustomerWallet => ({
  id: r.id,
  currency: r.currency,
  balance: r.balance,
  status: r.status,
  adminHold: r.admin_hold,
  label: r.label,
  createdAt: r.created_at,
});

const CUSTOMER_COLUMNS = 'id, email, created_at, locked_at, locked_reason';
const WALLET_COLUMNS = 'id, currency, balance, status, admin_hold, label, created_at';
// Agent columns an operator may see; anything else (credential hashes, keys) is never selected.
const AGENT_SAFE_COLUMNS = ['id', 'name', 'status', 'description', 'created_at', 'expires_at'];

/** LIKE treats % and _ as wildcards: a search for "a_b" must match the text "a_b" only. */
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class SqlCustomerRepository implements CustomerRepository {
  constructor(private readonly db: SqlClient) {}

  async search(q: string | undefined, limit: number, after?: Cursor): Promise<Customer[]> {
    const { rows } = await this.db.query<CustomerRow>(
      `SELECT ${CUSTOMER_COLUMNS} FROM users
        WHERE role = 'user'
          AND ($1::text IS NULL OR id = $1 OR lower(email) LIKE lower($2) || '%')
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::text))
        ORDER BY created_at DESC, id DESC LIMIT $5`,
      [q ?? null, q ? escapeLike(q) : null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toCustomer);
  }

  async find(id: string, tx?: Transaction): Promise<Customer | null> {
    const { rows } = await sqlOf(tx, this.db).query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM users WHERE id = $1 AND role = 'user'`, [
      id,
    ]);
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  async walletsOf(userId: string, limit: number): Promise<CustomerWallet[]> {
    const { rows } = await this.db.query<WalletRow>(
      `SELECT ${WALLET_COLUMNS} FROM wallets WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map(toWallet);
  }

  async recentEntries(userId: string, limit: number): Promise<CustomerEntry[]> {
    const { rows } = await this.db.query<{
      id: string;
      transfer_id: string;
      wallet_id: string;
      type: string;
      status: string;
      amount: bigint;
      currency: string;
      created_at: Date;
    }>(
      `SELECT e.id, e.transfer_id, e.wallet_id, t.type, t.status, e.amount, e.currency, e.created_at
         FROM wallets w
         CROSS JOIN LATERAL (SELECT * FROM transactions x WHERE x.wallet_id = w.id ORDER BY x.created_at DESC, x.id DESC LIMIT $2) e
         JOIN transfers t ON t.id = e.transfer_id
        WHERE w.user_id = $1
        ORDER BY e.created_at DESC, e.id DESC LIMIT $2`,
      [userId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      transferId: r.transfer_id,
      walletId: r.wallet_id,
      type: r.type,
      status: r.status,
      amount: r.amount,
      currency: r.currency,
      createdAt: r.created_at,
    }));
  }

  async agentsOf(userId: string, limit: number): Promise<AgentSummary[]> {
    // The agents module is optional here: read what exists, and only columns that hold no secret.
    const { rows: cols } = await this.db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = 'agents'`,
    );
    const names = new Set(cols.map((c) => c.column_name));
    const owner = ['owner_id', 'user_id'].find((c) => names.has(c));
    const safe = AGENT_SAFE_COLUMNS.filter((c) => names.has(c));
    if (!owner || !names.has('id')) return [];
    const order = names.has('created_at') ? 'created_at DESC, id DESC' : 'id';
    const { rows } = await this.db.query<AgentSummary>(
      `SELECT ${safe.map((c) => `"${c}"`).join(', ')} FROM agents WHERE "${owner}" = $1 ORDER BY ${order} LIMIT $2`,
      [userId, limit],
    );
    return rows;
  }

  async lockWallet(tx: Transaction, walletId: string): Promise<CustomerWallet | null> {
    const { rows } = await sqlOf(tx).query<WalletRow>(`SELECT ${WALLET_COLUMNS} FROM wallets WHERE id = $1 AND kind = 'user' FOR UPDATE`, [
      walletId,
    ]);
    return rows[0] ? toWallet(rows[0]) : null;
  }

  async setWalletHold(tx: Transaction, walletId: string, hold: boolean): Promise<CustomerWallet> {
    const { rows } = await sqlOf(tx).query<WalletRow>(
      `UPDATE wallets SET status = $2, admin_hold = $3, updated_at = now() WHERE id = $1 RETURNING ${WALLET_COLUMNS}`,
      [walletId, hold ? 'frozen' : 'active', hold],
    );
    return toWallet(rows[0]!);
  }

  async setCustomerHold(tx: Transaction, userId: string, hold: boolean): Promise<string[]> {
    const { rows } = await sqlOf(tx).query<{ id: string }>(
      `UPDATE wallets SET status = $2, admin_hold = $3, updated_at = now()
        WHERE user_id = $1 AND status = $4 RETURNING id`,
      [userId, hold ? 'frozen' : 'active', hold, hold ? 'active' : 'frozen'],
    );
    return rows.map((r) => r.id).sort();
  }

  async setLock(tx: Transaction, userId: string, reason: string | null): Promise<void> {
    await sqlOf(tx).query(
      `UPDATE users SET locked_at = CASE WHEN $2::text IS NULL THEN NULL ELSE now() END, locked_reason = $2, updated_at = now()
        WHERE id = $1`,
      [userId, reason],
    );
  }
}
