import { Conflict, NotFound } from '../../../shared/errors';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { LoginLocks } from '../../auth';
import type { AdminContext } from '../audit/audit.repository';
import type { AuditTrail } from '../audit/audit-trail';
import type { AgentSummary, Customer, CustomerEntry, CustomerRepository, CustomerWallet } from './customer.repository';

export interface CustomerProfile {
  customer: Customer;
  wallets: CustomerWallet[];
  recentTransactions: CustomerEntry[];
  agents: AgentSummary[];
}

const WALLETS_SHOWN_MAX = 100;
const RECENT_TRANSACTIONS_MAX = 20;
const AGENTS_SHOWN_MAX = 100;

const walletState = (w: CustomerWallet) => ({ status: w.status, adminHold: w.adminHold });

/** Customer and wallet management for operators. Every change is audited in its own transaction. */
export class CustomerService {
  constructor(
    private readonly repo: CustomerRepository,
    private readonly audit: AuditTrail,
    private readonly locks: LoginLocks,
  ) {}

  async search(q: string | undefined, limit: number, after?: Cursor): Promise<Page<Customer>> {
    return toPage(await this.repo.search(q, limit, after), limit);
  }

  /** Errors: customer_not_found (404). */
  async profile(id: string): Promise<CustomerProfile> {
    const customer = await this.repo.find(id);
    if (!customer) throw customerNotFound();
    const [wallets, recentTransactions, agents] = await Promise.all([
      this.repo.walletsOf(id, WALLETS_SHOWN_MAX),
      this.repo.recentEntries(id, RECENT_TRANSACTIONS_MAX),
      this.repo.agentsOf(id, AGENTS_SHOWN_MAX),
    ]);
    return { customer, wallets, recentTransactions, agents };
  }

  /**
   * Freezes (hold) or unfreezes a wallet. A held wallet can neither send nor receive, and its owner
   * cannot make it active again. Errors: wallet_not_found (404), wallet_closed (409),
   * wallet_already_frozen / wallet_not_frozen (409).
   */
  async setWalletHold(ctx: AdminContext, walletId: string, hold: boolean, reason: string): Promise<CustomerWallet> {
    const entry = { action: hold ? 'wallet.freeze' : 'wallet.unfreeze', targetType: 'wallet', targetId: walletId, reason };
    return this.audit.run(ctx, entry, async (tx) => {
      const before = await this.repo.lockWallet(tx, walletId);
      if (!before) throw new NotFound('Wallet not found', 'wallet_not_found');
      if (before.status === 'closed') throw new Conflict('wallet_closed', 'A closed wallet cannot be changed');
      if (hold && before.status === 'frozen' && before.adminHold) {
        throw new Conflict('wallet_already_frozen', 'This wallet is already frozen by an operator');
      }
      if (!hold && before.status !== 'frozen') throw new Conflict('wallet_not_frozen', 'This wallet is not frozen');
      const after = await this.repo.setWalletHold(tx, walletId, hold);
      return { result: after, before: walletState(before), after: walletState(after) };
    });
  }

  /**
   * Freezes every open wallet of a customer, or unfreezes every frozen one.
   * Errors: customer_not_found (404).
   */
  async setCustomerHold(ctx: AdminContext, userId: string, hold: boolean, reason: string): Promise<{ walletIds: string[] }> {
    const entry = { action: hold ? 'customer.freeze' : 'customer.unfreeze', targetType: 'customer', targetId: userId, reason };
    return this.audit.run(ctx, entry, async (tx) => {
      if (!(await this.repo.find(userId, tx))) throw customerNotFound();
      const walletIds = await this.repo.setCustomerHold(tx, userId, hold);
      const [from, to] = hold ? ['active', 'frozen'] : ['frozen', 'active'];
      return { result: { walletIds }, before: { walletIds, status: from }, after: { walletIds, status: to } };
    });
  }

  /**
   * Locks a login (no sign-in, no refresh, access tokens refused) or unlocks it.
   * Errors: customer_not_found (404), already_locked / not_locked (409).
   */
  async setLoginLock(ctx: AdminContext, userId: string, lock: boolean, reason: string): Promise<Customer> {
    const entry = { action: lock ? 'customer.lock' : 'customer.unlock', targetType: 'customer', targetId: userId, reason };
    const customer = await this.audit.run(ctx, entry, async (tx) => {
      const before = await this.repo.find(userId, tx);
      if (!before) throw customerNotFound();
      if (lock && before.lockedAt) throw new Conflict('already_locked', 'This login is already locked');
      if (!lock && !before.lockedAt) throw new Conflict('not_locked', 'This login is not locked');
      await this.repo.setLock(tx, userId, lock ? reason : null);
      const after = (await this.repo.find(userId, tx))!;
      return { result: after, before: { locked: Boolean(before.lockedAt) }, after: { locked: lock } };
    });
    // After the commit: the marker makes tokens already issued fail at their next request.
    if (lock) await this.locks.markLocked(userId);
    else await this.locks.clear(userId);
    return customer;
  }
}

function customerNotFound(): NotFound {
  return new NotFound('Customer not found', 'customer_not_found');
}
