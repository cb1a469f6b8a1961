import type { TransactionRunner } from '../../shared/transaction';
import { newId } from '../../infra/crypto/ids';
import type { Principal } from '../../shared/principal';
import { Conflict, Unprocessable } from '../../shared/errors';
import { newEvent, type EventBus } from '../../shared/events';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import type { Outbox } from '../../shared/outbox';
import type { MetadataFilter } from '../../shared/metadata';
import type { TenantConfiguration } from '../../shared/tenant-settings';
import { currentTenantId } from '../../infra/tenant-scope';
import { assertWalletAccess } from './wallet-access';
import type { WalletDirectory } from './wallet-directory';
import type { Wallet, WalletChanges, WalletRepository } from './wallet.repository';

export interface NewWallet {
  currency: string;
  label?: string;
  metadata?: Record<string, unknown>;
  lowBalanceThreshold?: bigint;
}

export class WalletService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly wallets: WalletRepository,
    private readonly directory: WalletDirectory,
    private readonly outbox: Outbox,
    private readonly events: EventBus,
    /** Which currencies each tenant allows wallets in (absent: every supported one). */
    private readonly tenants: Pick<TenantConfiguration, 'settingsOf'>,
  ) {}

  /**
   * Opens a wallet with a zero balance. A user may own several, in any currencies their tenant allows.
   * Errors: currency_not_allowed (422).
   */
  async create(userId: string, input: NewWallet): Promise<Wallet> {
    const { currencies } = await this.tenants.settingsOf(currentTenantId());
    if (currencies && !currencies.includes(input.currency)) {
      throw new Unprocessable('currency_not_allowed', `Wallets in ${input.currency} are not offered here`, {
        currency: input.currency,
        allowed: currencies,
      });
    }
    const { wallet, event } = await this.db.transaction(async (tx) => {
      const created = await this.wallets.insert(
        {
          id: newId('wal'),
          userId,
          currency: input.currency,
          label: input.label ?? null,
          metadata: input.metadata ?? {},
          lowBalanceThreshold: input.lowBalanceThreshold ?? null,
        },
        tx,
      );
      const createdEvent = walletCreated(created);
      await this.outbox.enqueue(tx, [createdEvent]);
      return { wallet: created, event: createdEvent };
    });
    this.events.publish([event]);
    return wallet;
  }

  async list(userId: string, limit: number, after?: Cursor, metadata?: MetadataFilter): Promise<Page<Wallet>> {
    return toPage(await this.wallets.listByUser(userId, limit, after, metadata), limit);
  }

  /** Errors: wallet_not_found (404), also for someone else's wallet. */
  async get(principal: Principal, id: string): Promise<Wallet> {
    return assertWalletAccess(principal, await this.wallets.findById(id));
  }

  /** Several wallets in one read, by id: the caller's only (anything else is missing from the map, as get's 404). */
  async getMany(principal: Principal, ids: readonly string[]): Promise<Map<string, Wallet>> {
    const found = await this.wallets.findManyByIds(ids);
    const visible = new Map<string, Wallet>();
    for (const wallet of found) {
      try {
        visible.set(wallet.id, assertWalletAccess(principal, wallet));
      } catch {
        // Someone else's: absent, as get answers it (wallet_not_found).
      }
    }
    return visible;
  }

  /**
   * Changes label, metadata, low-balance threshold or status. Closing needs a zero balance, and
   * a closed wallet stays closed, and the status of a wallet an operator froze is the operator's.
   * Errors: wallet_not_found (404), wallet_closed (409), wallet_not_empty (409), wallet_held (409).
   */
  async update(principal: Principal, id: string, changes: WalletChanges): Promise<Wallet> {
    const current = await this.get(principal, id);
    if (current.status === 'closed') throw new Conflict('wallet_closed', 'A closed wallet cannot be changed');
    if (current.adminHold && changes.status !== undefined) throw walletHeld();
    const updated = await this.wallets.update(id, changes);
    if (changes.lowBalanceThreshold !== undefined) await this.directory.forget(id);
    if (updated) return updated;
    const now = await this.get(principal, id);
    if (now.status === 'closed') throw new Conflict('wallet_closed', 'A closed wallet cannot be changed');
    if (now.adminHold) throw walletHeld();
    throw new Conflict('wallet_not_empty', 'Only a wallet with a zero balance and nothing held can be closed', {
      balance: now.balance.toString(),
      held: now.held.toString(),
    });
  }
}

function walletCreated(wallet: Wallet) {
  return newEvent('wallet.created', wallet.userId, {
    walletId: wallet.id,
    currency: wallet.currency,
    createdAt: wallet.createdAt.toISOString(),
  });
}

function walletHeld(): Conflict {
  return new Conflict('wallet_held', 'An operator froze this wallet; only support can change its status');
}
