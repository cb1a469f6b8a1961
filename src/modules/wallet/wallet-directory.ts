import type { Cache } from '../../infra/cache/cache';
import { currentTenantId } from '../../infra/tenant-scope';
import type { Wallet, WalletRepository } from './wallet.repository';

/** What the money path needs to know about a wallet besides its balance and status. */
export type WalletMeta = Pick<Wallet, 'id' | 'userId' | 'currency' | 'lowBalanceThreshold'>;

const TTL_MS = 5 * 60_000;

/**
 * A cache of wallet metadata (owner, currency, low-balance threshold) in front of the repository,
 * so a transfer need not read both wallets before it posts. Owner and currency never change; the
 * threshold is forgotten when it is changed (on every instance when the cache is Redis). Status and
 * balance are never cached: the posting checks them under the row locks.
 */
export class WalletDirectory {
  constructor(
    private readonly wallets: WalletRepository,
    private readonly cache: Cache,
  ) {}

  async lookup(ids: readonly string[]): Promise<Map<string, WalletMeta>> {
    const found = new Map<string, WalletMeta>();
    const cached = await Promise.all(ids.map((id) => this.cache.get(this.key(id))));
    ids.forEach((id, i) => {
      const hit = cached[i];
      if (hit) found.set(id, fromJson(hit));
    });
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length === 0) return found;
    for (const wallet of await this.wallets.findManyByIds(missing)) {
      const meta = toMeta(wallet);
      found.set(wallet.id, meta);
      await this.cache.set(this.key(wallet.id), toJson(meta), TTL_MS);
    }
    return found;
  }

  async forget(id: string): Promise<void> {
    await this.cache.delete(this.key(id));
  }

  /** Per tenant: another tenant's request never learns a wallet's owner or currency from the cache. */
  private key(id: string): string {
    return `wallet:meta:${currentTenantId()}:${id}`;
  }
}

const toMeta = ({ id, userId, currency, lowBalanceThreshold }: Wallet): WalletMeta => ({
  id,
  userId,
  currency,
  lowBalanceThreshold,
});

function toJson(meta: WalletMeta): string {
  return JSON.stringify({ ...meta, lowBalanceThreshold: meta.lowBalanceThreshold?.toString() ?? null });
}

function fromJson(text: string): WalletMeta {
  const raw = JSON.parse(text) as Omit<WalletMeta, 'lowBalanceThreshold'> & { lowBalanceThreshold: string | null };
  return { ...raw, lowBalanceThreshold: raw.lowBalanceThreshold === null ? null : BigInt(raw.lowBalanceThreshold) };
}
