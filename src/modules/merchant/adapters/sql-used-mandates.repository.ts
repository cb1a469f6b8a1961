import { sqlOf } from '../../../infra/db/database';
import type { MandateUse, UsedMandateRepository } from '../../../protocols/ucp/ap2/checkout-mandate.repository';
import type { Transaction } from '../../../shared/transaction';

/**
 * The AP2 checkout mandates a merchant accepted (the port is the AP2 verifier's); the PostgreSQL
 * adapter, PGlite runs the same SQL.
 */
export class SqlUsedMandateRepository implements UsedMandateRepository {
  async insertUse(tx: Transaction, use: MandateUse): Promise<boolean> {
    // ON CONFLICT DO NOTHING: a concurrent first use holds the key until it commits or rolls back,
    // then this insert either goes in or returns no row; the transaction is never aborted by it.
    const { rows } = await sqlOf(tx).query(
      `INSERT INTO ap2_used_mandates (mandate_hash, merchant_id, checkout_id) VALUES ($1, $2, $3)
       ON CONFLICT (mandate_hash) DO NOTHING RETURNING mandate_hash`,
      [use.mandateHash, use.merchantId, use.checkoutId],
    );
    return rows.length === 1;
  }
}
