import type { SqlClient } from '../db/database';
import { inSystemScope } from '../tenant-scope';
import type { Encryptor } from './envelope';

/** A column of Encryptor envelopes whose AAD is the row's id. */
export interface EncryptedColumn {
  table: string;
  idColumn: string;
  column: string;
}

/**
 * Every column that holds secrets at rest. A module that stores a new kind of secret adds it here,
 * so `npm run keys:rotate` re-encrypts it too.
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'token_vault', idColumn: 'id', column: 'ciphertext' },
  { table: 'webhook_endpoints', idColumn: 'id', column: 'secret_ciphertext' },
  { table: 'webhook_endpoints', idColumn: 'id', column: 'previous_secret_ciphertext' },
  { table: 'web3_vault_keys', idColumn: 'wallet_id', column: 'key_ciphertext' },
  { table: 'a2a_push_configs', idColumn: 'id', column: 'secrets_ciphertext' },
  // A tenant's provider credentials (src/modules/tenant), bound to the tenant's id.
  { table: 'tenants', idColumn: 'id', column: 'provider_credentials' },
];

export interface RotationResult {
  table: string;
  rotated: number;
  /** Rows whose key id is no longer configured: left as they are, and reported. */
  failed: number;
}

const BATCH_SIZE = 200;

/**
 * Re-encrypts under the active key every envelope of `col` written under an older key. Rows are
 * walked by id in batches; each update is conditional on the old ciphertext, so a row changed
 * meanwhile is left alone rather than overwritten.
 */
export async function reencryptColumn(db: SqlClient, encryptor: Encryptor, col: EncryptedColumn): Promise<RotationResult> {
  const result: RotationResult = { table: col.table, rotated: 0, failed: 0 };
  const activePrefix = `v1.${encryptor.activeKeyId}.%`;
  let after = '';
  for (;;) {
    const { rows } = await db.query<{ id: string; ct: string }>(
      `SELECT ${col.idColumn} AS id, ${col.column} AS ct FROM ${col.table}
        WHERE ${col.idColumn} > $1 AND ${col.column} NOT LIKE $2 ORDER BY ${col.idColumn} LIMIT $3`,
      [after, activePrefix, BATCH_SIZE],
    );
    for (const row of rows) {
      let fresh: string;
      try {
        fresh = encryptor.encrypt(encryptor.decrypt(row.ct, row.id), row.id);
      } catch {
        result.failed += 1;
        continue;
      }
      const { rowCount } = await db.query(`UPDATE ${col.table} SET ${col.column} = $1 WHERE ${col.idColumn} = $2 AND ${col.column} = $3`, [
        fresh,
        row.id,
        row.ct,
      ]);
      result.rotated += rowCount;
    }
    if (rows.length < BATCH_SIZE) return result;
    after = rows[rows.length - 1]!.id;
  }
}

export async function rotateKeys(db: SqlClient, encryptor: Encryptor, columns = ENCRYPTED_COLUMNS): Promise<RotationResult[]> {
  const results: RotationResult[] = [];
  // Every tenant's secrets, as the owner.
  for (const col of columns) results.push(await inSystemScope(() => reencryptColumn(db, encryptor, col)));
  return results;
}
