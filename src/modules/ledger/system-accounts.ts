import { currentTenantId } from '../../infra/tenant-scope';
import type { LedgerRepository } from './ledger.repository';

const SHARDS = 8;

/**
 * The system's own accounts (adjustments, card funding, payouts in transit…), one set per tenant
 * and currency, each in shards: its money enters and leaves through its own books, and concurrent
 * postings against one account do not queue on one hot row.
 */
export class SystemAccounts {
  private readonly known = new Map<string, string[]>();

  constructor(private readonly ledger: Pick<LedgerRepository, 'ensureSystemAccounts'>) {}

  /** A random shard of the account, per posting. */
  async anyShard(code: string, currency: string): Promise<string> {
    const shards = await this.shards(code, currency);
    return shards[Math.floor(Math.random() * shards.length)]!;
  }

  /** Every shard of the account, created on first use. */
  async shards(code: string, currency: string): Promise<string[]> {
    const tenant = currentTenantId();
    const key = `${tenant}:${code}:${currency}`;
    let shards = this.known.get(key);
    if (!shards) {
      shards = await this.ledger.ensureSystemAccounts(code, currency, SHARDS, tenant);
      this.known.set(key, shards);
    }
    return shards;
  }
}
