import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Transaction } from '../../../shared/transaction';
import type { VaultKeyStore } from '../vault/key-vault';

/** The vault's key table; nothing else reads it. */
export class SqlVaultKeyStore implements VaultKeyStore {
  constructor(private readonly db: SqlClient) {}

  async save(tx: Transaction, walletId: string, address: string, keyCiphertext: string): Promise<void> {
    await sqlOf(tx).query('INSERT INTO web3_vault_keys (wallet_id, address, key_ciphertext) VALUES ($1, $2, $3)', [
      walletId,
      address,
      keyCiphertext,
    ]);
  }

  async find(walletId: string, client?: Transaction): Promise<{ address: string; keyCiphertext: string } | null> {
    const { rows } = await sqlOf(client, this.db).query<{ address: string; key_ciphertext: string }>(
      'SELECT address, key_ciphertext FROM web3_vault_keys WHERE wallet_id = $1',
      [walletId],
    );
    return rows[0] ? { address: rows[0].address, keyCiphertext: rows[0].key_ciphertext } : null;
  }
}
