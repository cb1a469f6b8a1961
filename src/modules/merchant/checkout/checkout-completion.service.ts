import { newId } from '../../../infra/crypto/ids';
import { Conflict, Unprocessable, ValidationFailed } from '../../../shared/errors';
import { newEvent } from '../../../shared/events';
import type { Outbox } from '../../../shared/outbox';
import type { Transaction } from '../../../shared/transaction';
import type { CheckoutPayment, CheckoutPayments } from './checkout-payments';
import { assertOpen, type CheckoutLookup, type CheckoutResult } from './checkout-state';
import type { CheckoutSession, Order } from './checkout.repository';

/** What the platform pays with: the instrument of complete's `payment_data`. */
export interface CompleteInstrument {
  handlerId: string;
  /** `credential.token`; absent: refused (validation) once the handler is known to be ours. */
  token: string | undefined;
}

/** How the caller checks and answers a complete (see WriteHooks: the same split around the transaction). */
export interface CompleteHooks<T> {
  /** Before anything is paid, outside any transaction, on the session as it stands: checks that may refuse (AP2's mandate). */
  check(current: CheckoutResult): Promise<void>;
  /** Outside any transaction: the answer for the completed checkout (its order's payment id is not known yet). */
  answer(completed: CheckoutResult): Promise<T>;
  /** Last inside the payment's transaction, with the payment: may refuse (everything rolls back); stores the answer. */
  inTx(tx: Transaction, answer: T, paid: CheckoutPayment): Promise<void>;
}

/** Placing the order of a checkout session: the one step of a checkout that moves money. */
export class CheckoutCompletionService {
  constructor(
    private readonly lookup: CheckoutLookup,
    private readonly outbox: Outbox,
    private readonly payments: CheckoutPayments,
  ) {}

  /**
   * Pays the session's total with the platform's instrument and places the order, once: the payment,
   * the conditional status change (`ready_for_complete` at the version read, unexpired), the stock,
   * the order and its `order.created` webhook commit together or not at all, so of concurrent
   * completes (or a complete racing an update) one wins and the others' payments roll back.
   * Errors: merchant_not_found, checkout_not_found (404), checkout_completed, checkout_canceled,
   * checkout_not_ready, checkout_changed, out_of_stock (409), payment_handler_unsupported (422), the
   * payment handler's refusals of the credential, and what `inTx` throws; nothing is paid on any of them.
   */
  async complete<T>(merchantId: string, id: string, instrument: CompleteInstrument, hooks: CompleteHooks<T>): Promise<T> {
    const { merchant, session } = await this.completable(merchantId, id);
    if (instrument.handlerId !== this.payments.handlerId) {
      throw new Unprocessable('payment_handler_unsupported', `This merchant accepts the ${this.payments.handlerId} payment handler only`, {
        handlerId: this.payments.handlerId,
      });
    }
    const token = instrument.token;
    if (token === undefined) {
      const field = { field: 'body.payment_data.credential.token', message: 'required: the OCP wallet credential to redeem' };
      throw new ValidationFailed('payment_data.credential.token is required', { fields: [field] });
    }
    await hooks.check(this.lookup.result(merchant, session, null));

    const now = this.lookup.now();
    const order: Order = {
      id: newId('ord'),
      merchantId: merchant.id,
      checkoutId: id,
      currency: session.currency,
      lines: session.lines,
      subtotalMinor: session.subtotalMinor,
      taxMinor: session.taxMinor,
      totalMinor: session.totalMinor,
      paymentId: '',
      buyer: session.buyer,
      createdAt: now,
    };
    const completed: CheckoutSession = { ...session, status: 'completed', version: session.version + 1, updatedAt: now };
    const answer = await hooks.answer(this.lookup.result(merchant, completed, order));

    const request = { merchantId: merchant.id, token, checkoutId: id, amount: session.totalMinor, currency: session.currency };
    await this.payments.redeem(request, async (tx, paid) => {
      if (!(await this.lookup.sessions.markCompleted(tx, id, session.version, now))) throw await this.lookup.whyUnchanged(merchant, id, tx);
      if (!(await this.lookup.sessions.takeStock(tx, merchant.id, stockTaken(session)))) {
        throw new Conflict('out_of_stock', 'An item is no longer in stock in the quantity ordered; nothing was paid');
      }
      const placed = { ...order, paymentId: paid.paymentId };
      await this.lookup.sessions.insertOrder(tx, placed);
      await this.outbox.enqueue(tx, [newEvent('order.created', merchant.ownerId, orderCreatedData(placed))]);
      await hooks.inTx(tx, answer, paid);
    });
    return answer;
  }

  /**
   * The session as complete would find it now, for a payer that must prepare its payment first (the
   * MCP tool issues a credential for exactly its total): nothing is paid or changed.
   * Errors: merchant_not_found, checkout_not_found (404), checkout_completed, checkout_canceled, checkout_not_ready (409).
   */
  async readyToComplete(merchantId: string, id: string): Promise<CheckoutResult> {
    const { merchant, session } = await this.completable(merchantId, id);
    return this.lookup.result(merchant, session, null);
  }

  private async completable(merchantId: string, id: string) {
    const merchant = await this.lookup.merchant(merchantId);
    const session = await this.lookup.session(merchant, id);
    assertOpen(session);
    if (session.status !== 'ready_for_complete') {
      throw new Conflict('checkout_not_ready', 'The checkout has errors to resolve first; see its messages', { status: session.status });
    }
    return { merchant, session };
  }
}

/** Units per product, summed over the lines (one product may sit on several lines). */
function stockTaken(session: CheckoutSession): { productId: string; quantity: number }[] {
  const byProduct = new Map<string, number>();
  for (const line of session.lines) byProduct.set(line.itemId, (byProduct.get(line.itemId) ?? 0) + line.quantity);
  return [...byProduct].map(([productId, quantity]) => ({ productId, quantity }));
}

/** The `order.created` webhook's data: amounts as strings of minor units, as everywhere in OCP's JSON. */
function orderCreatedData(order: Order) {
  return {
    orderId: order.id,
    merchantId: order.merchantId,
    checkoutId: order.checkoutId,
    paymentId: order.paymentId,
    currency: order.currency,
    subtotal: order.subtotalMinor,
    tax: order.taxMinor,
    total: order.totalMinor,
    lineItems: order.lines.map((l) => ({ id: l.id, itemId: l.itemId, title: l.title, price: l.priceMinor, quantity: l.quantity })),
    buyer: order.buyer,
    createdAt: order.createdAt.toISOString(),
  };
}
