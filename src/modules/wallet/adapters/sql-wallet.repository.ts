import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import { groupedStatement } from '../../../infra/db/grouped-statement';
import type { Cursor } from '../../../shared/pagination';
import type { MetadataFilter } from '../../../shared/metadata';
import { metadataCondition } from '../../../infra/db/metadata-filter';
import type { Wallet, WalletChanges, WalletRepository, WalletStatus } from '../wallet.repository';

interface WalletRow {
  id: string;
  user_id: string;
  currency: string;
  balance: bigint;
  held: bigint;
  status: WalletStatus;
  label: string | null;
  metadata: Record<string, unknown>;
  low_balance_threshold: bigint | null;
  created_at: Date;
  updated_at: Date;
  admin_hold: boolean;
}

export const toWallet = (r: WalletRow): Wallet => ({
  id: r.id,
  userId: r.user_id,
  currency: r.currency,
  balance: r.balance,
  held: r.held,
  status: r.status,
  label: r.label,
  metadata: r.metadata,
  lowBalanceThreshold: r.low_balance_threshold,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  adminHold: r.admin_hold,
});

const COLUMNS = 'id, user_id, currency, balance, held, status, label, metadata, low_balance_threshold, created_at, updated_at, admin_hold';

export class SqlWalletRepository implements WalletRepository {
  /**
   * Balance reads are the API's most frequent request: the reads asked at the same time go to the
   * database together, one query and one round trip for many. Each still sees every write committed
   * before it was asked (the query starts after), so a balance read right after a transfer shows it.
   */
  private readonly findGrouped = groupedStatement((ids: string[]) => this.findEach(ids));

  constructor(private readonly db: SqlClient) {}

  async insert(w: Omit<Wallet, 'balance' | 'held' | 'status' | 'createdAt' | 'updatedAt'>, tx?: Transaction) {
    const { rows } = await sqlOf(tx, this.db).query<WalletRow>(
      `INSERT INTO wallets (id, kind, user_id, currency, label, metadata, low_balance_threshold)
       VALUES ($1, 'user', $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [w.id, w.userId, w.currency, w.label, JSON.stringify(w.metadata), w.lowBalanceThreshold],
    );
    return toWallet(rows[0]!);
  }

  findById(id: string): Promise<Wallet | null> {
    return this.findGrouped(id);
  }

  private async findEach(ids: readonly string[]): Promise<Array<Wallet | null>> {
    const found = new Map((await this.findManyByIds([...new Set(ids)])).map((wallet) => [wallet.id, wallet]));
    return ids.map((id) => found.get(id) ?? null);
  }

  async findManyByIds(ids: readonly string[]): Promise<Wallet[]> {
    const { rows } = await this.db.query<WalletRow>(`SELECT ${COLUMNS} FROM wallets WHERE id = ANY($1::text[]) AND kind = 'user'`, [ids]);
    return rows.map(toWallet);
  }

  async listByUser(userId: string, limit: number, after?: Cursor, metadata?: MetadataFilter): Promise<Wallet[]> {
    const params: unknown[] = [userId, after?.createdAt ?? null, after?.id ?? null, limit + 1];
    const matching = metadataCondition('metadata', metadata, params);
    const { rows } = await this.db.query<WalletRow>(
      `SELECT ${COLUMNS} FROM wallets
        WHERE user_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
          AND ${matching}
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      params,
      // Planned for the filter at hand: the statement's text already differs per number of keys.
      { prepare: metadata === undefined },
    );
    return rows.map(toWallet);
  }

  async update(id: string, c: WalletChanges, tx?: Transaction): Promise<Wallet | null> {
    const { rows } = await sqlOf(tx, this.db).query<WalletRow>(
      `UPDATE wallets SET
         label = CASE WHEN $2 THEN $3 ELSE label END,
         metadata = COALESCE($4::jsonb, metadata),
         status = COALESCE($5, status),
         low_balance_threshold = CASE WHEN $6 THEN $7::bigint ELSE low_balance_threshold END,
         updated_at = now()
       WHERE id = $1 AND kind = 'user' AND status <> 'closed' AND ($5 IS DISTINCT FROM 'closed' OR (balance = 0 AND held = 0))
         AND ($5 IS NULL OR NOT admin_hold)
       RETURNING ${COLUMNS}`,
      [
        id,
        c.label !== undefined,
        c.label ?? null,
        c.metadata ? JSON.stringify(c.metadata) : null,
        c.status ?? null,
        c.lowBalanceThreshold !== undefined,
        c.lowBalanceThreshold ?? null,
      ],
    );
    return rows[0] ? toWallet(rows[0]) : null;
  }
}
