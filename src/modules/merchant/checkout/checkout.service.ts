import { newId } from '../../../infra/crypto/ids';
import type { TransactionRunner } from '../../../shared/transaction';
import type { PublicMerchant } from '../merchant.service';
import { priceCheckout, type CheckoutRequest } from './checkout-pricing';
import { assertOpen, type CheckoutLookup, type CheckoutResult, type WriteHooks } from './checkout-state';
import type { CheckoutSession } from './checkout.repository';

/**
 * UCP checkout sessions of OCP merchants: create, read, replace, cancel (completing is
 * CheckoutCompletionService's). Prices, totals and the payee come from the merchant's records only;
 * problems with the cart are UCP messages on the session (see priceCheckout), while requests the
 * session's state refuses are typed errors. Every write is conditional on the session being open
 * (not completed, canceled or past expires_at) at `now`, so concurrent writes never both apply.
 */
export class CheckoutService {
  constructor(
    private readonly lookup: CheckoutLookup,
    private readonly tx: TransactionRunner,
  ) {}

  /** The merchant a UCP business profile describes (anyone may read it). Errors: merchant_not_found (404). */
  async merchant(merchantId: string): Promise<PublicMerchant> {
    return this.lookup.publicMerchant(await this.lookup.merchant(merchantId));
  }

  /** Errors: merchant_not_found (404). */
  async create<T>(merchantId: string, request: CheckoutRequest, ucpAgentProfile: string | null, hooks: WriteHooks<T>): Promise<T> {
    const merchant = await this.lookup.merchant(merchantId);
    const products = await this.lookup.products(
      merchant,
      request.lines.map((l) => l.itemId),
    );
    const content = priceCheckout(merchant, products, request);
    const now = this.lookup.now();
    const session: CheckoutSession = {
      id: newId('chk'),
      merchantId: merchant.id,
      currency: merchant.currency,
      ...content,
      ucpAgentProfile,
      expiresAt: new Date(now.getTime() + this.lookup.settings.ttlMs),
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const answer = await hooks.answer(this.lookup.result(merchant, session, null));
    await this.tx.transaction(async (tx) => {
      await this.lookup.sessions.insert(tx, session);
      await hooks.inTx(tx, answer);
    });
    return answer;
  }

  /** Errors: merchant_not_found, checkout_not_found (404). */
  async get(merchantId: string, id: string): Promise<CheckoutResult> {
    const merchant = await this.lookup.merchant(merchantId);
    const session = await this.lookup.session(merchant, id);
    const order = session.status === 'completed' ? await this.lookup.sessions.findOrderByCheckout(merchant.id, id) : null;
    return this.lookup.result(merchant, session, order);
  }

  /**
   * A full replacement of the cart and buyer (UCP's PUT), priced again from the catalog.
   * Errors: merchant_not_found, checkout_not_found (404), checkout_completed, checkout_canceled, checkout_changed (409).
   */
  async update<T>(merchantId: string, id: string, request: CheckoutRequest, hooks: WriteHooks<T>): Promise<T> {
    const merchant = await this.lookup.merchant(merchantId);
    const current = await this.lookup.session(merchant, id);
    assertOpen(current);
    const products = await this.lookup.products(
      merchant,
      request.lines.map((l) => l.itemId),
    );
    const content = priceCheckout(merchant, products, request);
    const now = this.lookup.now();
    const updated: CheckoutSession = { ...current, ...content, version: current.version + 1, updatedAt: now };
    const answer = await hooks.answer(this.lookup.result(merchant, updated, null));
    await this.tx.transaction(async (tx) => {
      if (!(await this.lookup.sessions.replace(tx, id, current.version, content, now)))
        throw await this.lookup.whyUnchanged(merchant, id, tx);
      await hooks.inTx(tx, answer);
    });
    return answer;
  }

  /** Errors: merchant_not_found, checkout_not_found (404), checkout_completed, checkout_canceled (409). */
  async cancel<T>(merchantId: string, id: string, hooks: WriteHooks<T>): Promise<T> {
    const merchant = await this.lookup.merchant(merchantId);
    const current = await this.lookup.session(merchant, id);
    assertOpen(current);
    const now = this.lookup.now();
    const canceled: CheckoutSession = { ...current, status: 'canceled', version: current.version + 1, updatedAt: now };
    const answer = await hooks.answer(this.lookup.result(merchant, canceled, null));
    await this.tx.transaction(async (tx) => {
      if (!(await this.lookup.sessions.cancel(tx, id, current.version, now))) throw await this.lookup.whyUnchanged(merchant, id, tx);
      await hooks.inTx(tx, answer);
    });
    return answer;
  }
}
