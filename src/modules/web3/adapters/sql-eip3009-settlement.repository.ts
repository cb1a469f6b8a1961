import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Eip3009Outcome, Eip3009Settlement, Eip3009SettlementRepository } from '../eip3009-settlement.repository';

interface Row {
  id: string;
  chain_id: string | number | bigint;
  asset: string;
  from_address: string;
  to_address: string;
  value: string;
  auth_nonce: string;
  valid_before: string;
  gas_wallet_id: string;
  gas_nonce: string | number | bigint;
  tx_hash: string;
  raw_tx: string;
  status: Eip3009Settlement['status'];
  block_number: string | number | bigint | null;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, chain_id, asset, from_address, to_address, value::text AS value, auth_nonce, valid_before::text AS valid_before,
  gas_wallet_id, gas_nonce, tx_hash, raw_tx, status, block_number, failure_reason, created_at, updated_at`;

const toSettlement = (r: Row): Eip3009Settlement => ({
  id: r.id,
  chainId: Number(r.chain_id),
  asset: r.asset,
  from: r.from_address,
  to: r.to_address,
  value: BigInt(r.value),
  authNonce: r.auth_nonce,
  validBefore: BigInt(r.valid_before),
  gasWalletId: r.gas_wallet_id,
  gasNonce: Number(r.gas_nonce),
  hash: r.tx_hash,
  rawTx: r.raw_tx,
  status: r.status,
  blockNumber: r.block_number === null ? null : Number(r.block_number),
  failureReason: r.failure_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class SqlEip3009SettlementRepository implements Eip3009SettlementRepository {
  constructor(private readonly db: SqlClient) {}

  async claim(tx: Transaction, s: Eip3009Settlement): Promise<boolean> {
    const { rows } = await sqlOf(tx).query<{ id: string }>(
      `INSERT INTO eip3009_settlements (id, chain_id, asset, from_address, to_address, value, auth_nonce, valid_before, gas_wallet_id,
         gas_nonce, tx_hash, raw_tx, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
       ON CONFLICT (chain_id, asset, from_address, auth_nonce) WHERE status IN ('submitted', 'settled') DO NOTHING RETURNING id`,
      [
        s.id,
        s.chainId,
        s.asset,
        s.from,
        s.to,
        s.value.toString(),
        s.authNonce,
        s.validBefore.toString(),
        s.gasWalletId,
        s.gasNonce,
        s.hash,
        s.rawTx,
        s.status,
        s.createdAt,
      ],
    );
    return rows.length === 1;
  }

  async findLive(chainId: number, asset: string, from: string, authNonce: string): Promise<Eip3009Settlement | null> {
    // Served by the partial unique index eip3009_settlements_live_auth_idx.
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM eip3009_settlements
       WHERE chain_id = $1 AND asset = $2 AND from_address = $3 AND auth_nonce = $4 AND status IN ('submitted', 'settled')`,
      [chainId, asset, from, authNonce],
    );
    return rows[0] ? toSettlement(rows[0]) : null;
  }

  async finish(id: string, outcome: Eip3009Outcome): Promise<boolean> {
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE eip3009_settlements SET status = $2, block_number = $3, failure_reason = $4, updated_at = now()
       WHERE id = $1 AND status = 'submitted' RETURNING id`,
      [id, outcome.status, outcome.blockNumber, outcome.status === 'failed' ? outcome.reason : null],
    );
    return rows.length === 1;
  }

  async reject(tx: Transaction, id: string, reason: string, nonceFree: boolean): Promise<boolean> {
    const { rows } = await sqlOf(tx).query<{ id: string }>(
      `UPDATE eip3009_settlements SET status = 'failed', failure_reason = $2, gas_nonce_free = $3, updated_at = now()
       WHERE id = $1 AND status = 'submitted' RETURNING id`,
      [id, reason, nonceFree],
    );
    return rows.length === 1;
  }

  async takeFreeGasNonce(tx: Transaction, chainId: number, gasWalletId: string): Promise<number | null> {
    const { rows } = await sqlOf(tx).query<{ gas_nonce: string | number | bigint }>(
      `UPDATE eip3009_settlements SET gas_nonce_free = false, updated_at = now()
       WHERE id = (SELECT id FROM eip3009_settlements WHERE chain_id = $1 AND gas_wallet_id = $2 AND gas_nonce_free
                   ORDER BY gas_nonce LIMIT 1 FOR UPDATE)
       RETURNING gas_nonce`,
      [chainId, gasWalletId],
    );
    return rows[0] ? Number(rows[0].gas_nonce) : null;
  }

  async open(limit: number): Promise<Eip3009Settlement[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM eip3009_settlements WHERE status = 'submitted' ORDER BY created_at, id LIMIT $1`,
      [limit],
    );
    return rows.map(toSettlement);
  }
}
