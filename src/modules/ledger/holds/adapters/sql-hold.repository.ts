import { sqlOf, type SqlClient } from '../../../../infra/db/database';
import type { Cursor } from '../../../../shared/pagination';
import type { Transaction } from '../../../../shared/transaction';
import type { Hold, HoldRepository, HoldStatus, NewHold, WalletFunds } from '../hold.repository';

interface HoldRow {
  id: string;
  status: HoldStatus;
  amount: bigint;
  captured_amount: bigint;
  currency: string;
  from_wallet_id: string;
  to_wallet_id: string;
  from_user_id: string;
  to_user_id: string;
  description: string | null;
  created_by: string;
  expires_at: Date;
  capture_transfer_id: string | null;
  settled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toHold = (r: HoldRow): Hold => ({
  id: r.id,
  status: r.status,
  amount: BigInt(r.amount),
  capturedAmount: BigInt(r.captured_amount),
  currency: r.currency,
  fromWalletId: r.from_wallet_id,
  toWalletId: r.to_wallet_id,
  fromUserId: r.from_user_id,
  toUserId: r.to_user_id,
  description: r.description,
  createdBy: r.created_by,
  expiresAt: r.expires_at,
  captureTransferId: r.capture_transfer_id,
  settledAt: r.settled_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Holds from `source` (a table or a CTE of hold rows) with the owners of both wallets. */
const withOwners = (source: string) => `
  SELECT h.*, fw.user_id AS from_user_id, tw.user_id AS to_user_id
    FROM ${source} h
    JOIN wallets fw ON fw.id = h.from_wallet_id
    JOIN wallets tw ON tw.id = h.to_wallet_id`;

export class SqlHoldRepository implements HoldRepository {
  constructor(private readonly db: SqlClient) {}

  async lockWallets(tx: Transaction, ids: readonly string[]): Promise<WalletFunds[]> {
    const { rows } = await sqlOf(tx).query<{ id: string; status: string; balance: bigint; held: bigint }>(
      'SELECT id, status, balance, held FROM wallets WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE',
      [ids],
    );
    return rows.map((r) => ({ id: r.id, status: r.status, balance: BigInt(r.balance), held: BigInt(r.held) }));
  }

  async insert(tx: Transaction, h: NewHold): Promise<Hold> {
    const { rows } = await sqlOf(tx).query<HoldRow>(
      `WITH inserted AS (
         INSERT INTO holds (id, status, amount, currency, from_wallet_id, to_wallet_id, description, created_by, expires_at)
         VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8) RETURNING *),
       reserved AS (UPDATE wallets SET held = held + $2, updated_at = now() WHERE id = $4 RETURNING id)
       ${withOwners('inserted')}`,
      [h.id, h.amount, h.currency, h.fromWalletId, h.toWalletId, h.description, h.createdBy, h.expiresAt],
    );
    return toHold(rows[0]!);
  }

  async findById(id: string): Promise<Hold | null> {
    const { rows } = await this.db.query<HoldRow>(`${withOwners('holds')} WHERE h.id = $1`, [id]);
    return rows[0] ? toHold(rows[0]) : null;
  }

  async listByWallet(walletId: string, status: HoldStatus | undefined, limit: number, after?: Cursor): Promise<Hold[]> {
    // One index range per side (holds_from_wallet_created_idx, holds_to_wallet_created_idx), each
    // bounded by the page size, merged: never a scan of every hold the wallet ever had.
    const side = (column: string) => `
      (SELECT * FROM holds
        WHERE ${column} = $1 AND ($2::text IS NULL OR status = $2)
          AND ($3::timestamptz IS NULL OR (created_at, id) < ($3::timestamptz, $4::text))
        ORDER BY created_at DESC, id DESC LIMIT $5)`;
    const { rows } = await this.db.query<HoldRow>(
      `${withOwners(`(${side('from_wallet_id')} UNION ALL ${side('to_wallet_id')})`)}
        ORDER BY h.created_at DESC, h.id DESC LIMIT $5`,
      [walletId, status ?? null, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toHold);
  }

  async settle(tx: Transaction, id: string, status: 'captured' | 'voided', capturedAmount: bigint, now: Date): Promise<Hold | null> {
    const { rows } = await sqlOf(tx).query<HoldRow>(
      `WITH settled AS (
         UPDATE holds SET status = $2, captured_amount = $3, settled_at = $4, updated_at = $4
          WHERE id = $1 AND status = 'pending' AND expires_at > $4
         RETURNING *)
       ${withOwners('settled')}`,
      [id, status, capturedAmount, now],
    );
    const hold = rows[0] ? toHold(rows[0]) : null;
    if (hold) await this.release(tx, [hold]);
    return hold;
  }

  async recordCaptureTransfer(tx: Transaction, id: string, transferId: string): Promise<void> {
    await sqlOf(tx).query('UPDATE holds SET capture_transfer_id = $2 WHERE id = $1', [id, transferId]);
  }

  async expireDue(tx: Transaction, now: Date, limit: number, onlyId?: string): Promise<Hold[]> {
    // MATERIALIZED: the claim runs (and locks) once, so LIMIT bounds the batch; SKIP LOCKED lets a
    // second worker take the next holds instead of waiting, and the status condition of the
    // UPDATE makes a hold expire once even so.
    const { rows } = await sqlOf(tx).query<HoldRow>(
      `WITH due AS MATERIALIZED (
         SELECT id FROM holds
          WHERE status = 'pending' AND expires_at <= $1 AND ($3::text IS NULL OR id = $3)
          ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED),
       expired AS (
         UPDATE holds SET status = 'expired', settled_at = $1, updated_at = $1
           FROM due WHERE holds.id = due.id AND holds.status = 'pending'
         RETURNING holds.*)
       ${withOwners('expired')}`,
      [now, limit, onlyId ?? null],
    );
    const holds = rows.map(toHold);
    await this.release(tx, holds);
    return holds;
  }

  /** Takes these settled holds' amounts off their source wallets' held, locking the wallets in id order. */
  private async release(tx: Transaction, holds: readonly Hold[]): Promise<void> {
    if (holds.length === 0) return;
    const byWallet = new Map<string, bigint>();
    for (const hold of holds) byWallet.set(hold.fromWalletId, (byWallet.get(hold.fromWalletId) ?? 0n) + hold.amount);
    // Both sides of each hold, as the posting of a capture locks them next: same order, no deadlock.
    await this.lockWallets(tx, [...new Set(holds.flatMap((h) => [h.fromWalletId, h.toWalletId]))]);
    await sqlOf(tx).query(
      `UPDATE wallets w SET held = w.held - r.amount, updated_at = now()
         FROM unnest($1::text[], $2::bigint[]) AS r(id, amount) WHERE w.id = r.id`,
      [[...byWallet.keys()], [...byWallet.values()].map(String)],
    );
  }
}
