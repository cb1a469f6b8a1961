import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { Cursor } from '../../../shared/pagination';
import type { PendingSendsOfChain, SettledSend, Web3Repository, Web3Send, Web3Wallet } from '../web3.repository';

interface WalletRow {
  id: string;
  owner_id: string;
  address: string;
  chain_id: string | number | bigint | null;
  label: string | null;
  created_at: Date;
}

interface SendRow {
  id: string;
  wallet_id: string;
  owner_id: string;
  chain_id: string | number | bigint;
  from_address: string;
  to_address: string;
  asset: string;
  asset_symbol: string;
  amount: string | bigint;
  nonce: string | number | bigint;
  tx_hash: string;
  raw_tx: string;
  status: Web3Send['status'];
  block_number: string | number | bigint | null;
  gas_used: string | bigint | null;
  failure_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

const SEND_COLUMNS = `id, wallet_id, owner_id, chain_id, from_address, to_address, asset, asset_symbol, amount::text AS amount,
  nonce, tx_hash, raw_tx, status, block_number, gas_used::text AS gas_used, failure_reason, created_at, updated_at`;

const toWallet = (r: WalletRow): Web3Wallet => ({
  id: r.id,
  ownerId: r.owner_id,
  address: r.address,
  chainId: r.chain_id === null ? null : Number(r.chain_id),
  label: r.label,
  createdAt: r.created_at,
});

const toSend = (r: SendRow): Web3Send => ({
  id: r.id,
  walletId: r.wallet_id,
  ownerId: r.owner_id,
  chainId: Number(r.chain_id),
  from: r.from_address,
  to: r.to_address,
  asset: r.asset,
  assetSymbol: r.asset_symbol,
  amount: BigInt(r.amount),
  nonce: Number(r.nonce),
  hash: r.tx_hash,
  rawTx: r.raw_tx,
  status: r.status,
  blockNumber: r.block_number === null ? null : Number(r.block_number),
  gasUsed: r.gas_used === null ? null : BigInt(r.gas_used),
  failureReason: r.failure_reason,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** A bound on the rows of the per-chain count: far above any real number of chains. */
const PENDING_CHAINS_MAX = 1_000;

/** Newest first on (created_at, id), strictly after the cursor: no OFFSET. */
function pageClause(after: Cursor | undefined, firstParam: number): { sql: string; params: unknown[] } {
  if (!after) return { sql: '', params: [] };
  return { sql: `AND (created_at, id) < ($${firstParam}, $${firstParam + 1})`, params: [after.createdAt, after.id] };
}

export class SqlWeb3Repository implements Web3Repository {
  constructor(private readonly db: SqlClient) {}

  async insertWallet(tx: Transaction, w: Web3Wallet): Promise<void> {
    await sqlOf(tx).query('INSERT INTO web3_wallets (id, owner_id, address, chain_id, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      w.id,
      w.ownerId,
      w.address,
      w.chainId,
      w.label,
      w.createdAt,
    ]);
  }

  async findWallet(id: string): Promise<Web3Wallet | null> {
    const { rows } = await this.db.query<WalletRow>('SELECT * FROM web3_wallets WHERE id = $1', [id]);
    return rows[0] ? toWallet(rows[0]) : null;
  }

  async findWalletByAddress(address: string): Promise<Web3Wallet | null> {
    const { rows } = await this.db.query<WalletRow>('SELECT * FROM web3_wallets WHERE address = $1', [address]);
    return rows[0] ? toWallet(rows[0]) : null;
  }

  async listWallets(ownerId: string, limit: number, after?: Cursor): Promise<Web3Wallet[]> {
    const page = pageClause(after, 3);
    const { rows } = await this.db.query<WalletRow>(
      `SELECT * FROM web3_wallets WHERE owner_id = $1 ${page.sql} ORDER BY created_at DESC, id DESC LIMIT $2`,
      [ownerId, limit + 1, ...page.params],
    );
    return rows.map(toWallet);
  }

  async lockNonce(tx: Transaction, chainId: number, address: string): Promise<number> {
    await sqlOf(tx).query('INSERT INTO web3_nonces (chain_id, address, next_nonce) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [
      chainId,
      address,
    ]);
    const { rows } = await sqlOf(tx).query<{ next_nonce: string | number | bigint }>(
      'SELECT next_nonce FROM web3_nonces WHERE chain_id = $1 AND address = $2 FOR UPDATE',
      [chainId, address],
    );
    return Number(rows[0]!.next_nonce);
  }

  async setNextNonce(tx: Transaction, chainId: number, address: string, nextNonce: number): Promise<void> {
    await sqlOf(tx).query('UPDATE web3_nonces SET next_nonce = $3 WHERE chain_id = $1 AND address = $2', [chainId, address, nextNonce]);
  }

  async insertSend(tx: Transaction, s: Web3Send): Promise<void> {
    await sqlOf(tx).query(
      `INSERT INTO web3_sends (id, wallet_id, owner_id, chain_id, from_address, to_address, asset, asset_symbol, amount, nonce,
         tx_hash, raw_tx, status, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
      [
        s.id,
        s.walletId,
        s.ownerId,
        s.chainId,
        s.from,
        s.to,
        s.asset,
        s.assetSymbol,
        s.amount.toString(),
        s.nonce,
        s.hash,
        s.rawTx,
        s.status,
        s.createdAt,
      ],
    );
  }

  async findSend(id: string): Promise<Web3Send | null> {
    const { rows } = await this.db.query<SendRow>(`SELECT ${SEND_COLUMNS} FROM web3_sends WHERE id = $1`, [id]);
    return rows[0] ? toSend(rows[0]) : null;
  }

  async listSends(walletId: string, limit: number, after?: Cursor): Promise<Web3Send[]> {
    const page = pageClause(after, 3);
    const { rows } = await this.db.query<SendRow>(
      `SELECT ${SEND_COLUMNS} FROM web3_sends WHERE wallet_id = $1 ${page.sql} ORDER BY created_at DESC, id DESC LIMIT $2`,
      [walletId, limit + 1, ...page.params],
    );
    return rows.map(toSend);
  }

  async pendingSends(chainId: number, limit: number): Promise<Web3Send[]> {
    const { rows } = await this.db.query<SendRow>(
      `SELECT ${SEND_COLUMNS} FROM web3_sends WHERE chain_id = $1 AND status = 'pending' ORDER BY created_at LIMIT $2`,
      [chainId, limit],
    );
    return rows.map(toSend);
  }

  async pendingSendsByChain(): Promise<PendingSendsOfChain[]> {
    // Served by the partial index web3_sends_pending_idx (chain_id, created_at) WHERE status = 'pending':
    // its size is the number of pending sends, not of all sends ever made.
    const { rows } = await this.db.query<{ chain_id: string | number | bigint; pending: string | number | bigint; oldest: Date }>(
      `SELECT chain_id, count(*) AS pending, min(created_at) AS oldest FROM web3_sends
        WHERE status = 'pending' GROUP BY chain_id ORDER BY chain_id LIMIT $1`,
      [PENDING_CHAINS_MAX],
    );
    return rows.map((r) => ({ chainId: Number(r.chain_id), count: Number(r.pending), oldestCreatedAt: r.oldest }));
  }

  async settleSend(tx: Transaction, id: string, o: SettledSend): Promise<boolean> {
    const { rowCount } = await sqlOf(tx).query(
      `UPDATE web3_sends SET status = $2, block_number = $3, gas_used = $4, failure_reason = $5, updated_at = now()
        WHERE id = $1 AND status = 'pending'`,
      [id, o.status, o.blockNumber, o.gasUsed?.toString() ?? null, o.status === 'failed' ? o.reason : null],
    );
    return rowCount > 0;
  }
}
