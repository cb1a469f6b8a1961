import { newId } from '../../../infra/crypto/ids';
import type { TransactionRunner } from '../../../shared/transaction';
import type { PublicMerchant } from '../merchant.service';
import { priceCheckout, type CheckoutRequest } from './checkout-pricing';
import { assertOpen, type CheckoutLookup, type CheckoutResult, type InTx } from './checkout-state';
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
  async create(merchantId: string, request: CheckoutRequest, ucpAgentProfile: string | null, inTx: InTx): Promise<CheckoutResult> {
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
    const result = this.lookup.result(merchant, session, null);
    await this.tx.transaction(async (tx) => {
      await this.lookup.sessions.insert(tx, session);
      await inTx(tx, result);
    });
    return result;
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
  async update(merchantId: string, id: string, request: CheckoutRequest, inTx: InTx): Promise<CheckoutResult> {
    const merchant = await this.lookup.merchant(merchantId);
    const current = await this.lookup.session(merchant, id);
    assertOpen(current);
    const products = await this.lookup.products(
      merchant,
      request.lines.map((l) => l.itemId),
    );
    const content = priceCheckout(merchant, products, request);
    return this.tx.transaction(async (tx) => {
      const updated = await this.lookup.sessions.replace(tx, id, current.version, content, this.lookup.now());
      if (!updated) throw await this.lookup.whyUnchanged(merchant, id, tx);
      const result = this.lookup.result(merchant, updated, null);
      await inTx(tx, result);
      return result;
    });
  }

  /** Errors: merchant_not_found, checkout_not_found (404), checkout_completed, checkout_canceled (409). */
  async cancel(merchantId: string, id: string, inTx: InTx): Promise<CheckoutResult> {
    const merchant = await this.lookup.merchant(merchantId);
    assertOpen(await this.lookup.session(merchant, id));
    return this.tx.transaction(async (tx) => {
      const canceled = await this.lookup.sessions.cancel(tx, id, this.lookup.now());
      if (!canceled) throw await this.lookup.whyUnchanged(merchant, id, tx);
      const result = this.lookup.result(merchant, canceled, null);
      await inTx(tx, result);
      return result;
    });
  }
}
