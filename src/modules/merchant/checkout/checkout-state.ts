import { Conflict, NotFound } from '../../../shared/errors';
import type { Transaction } from '../../../shared/transaction';
import { merchantNotFound } from '../merchant-access';
import type { Merchant, MerchantRepository } from '../merchant.repository';
import { toPublicMerchant, type PublicMerchant } from '../merchant.service';
import type { CheckoutRepository, CheckoutSession, Order } from './checkout.repository';

/** A session as OCP answers it now: expiry applied, with its merchant and, once completed, its order. */
export interface CheckoutResult {
  session: CheckoutSession;
  merchant: PublicMerchant;
  order: Order | null;
}

/**
 * How the caller answers a write. `answer` runs before the write's transaction, on the session as
 * the write will leave it (so it may read the database, e.g. to sign the answer); `inTx` runs inside
 * that transaction with the answer (to store it as the idempotent reply). The write returns the answer.
 */
export interface WriteHooks<T> {
  answer(result: CheckoutResult): Promise<T>;
  inTx(tx: Transaction, answer: T): Promise<void>;
}

export interface CheckoutSettings {
  /** How long a session stays open after its creation (UCP_CHECKOUT_TTL_SECONDS). */
  ttlMs: number;
  publicBaseUrl: string;
  now?: () => Date;
}

/** The reads both checkout services start from, and the rules of a session's state they share. */
export class CheckoutLookup {
  readonly now: () => Date;

  constructor(
    readonly sessions: CheckoutRepository,
    private readonly merchants: MerchantRepository,
    readonly settings: CheckoutSettings,
  ) {
    this.now = settings.now ?? (() => new Date());
  }

  /** Errors: merchant_not_found (404). */
  async merchant(id: string): Promise<Merchant> {
    const merchant = await this.merchants.findById(id);
    if (!merchant) throw merchantNotFound();
    return merchant;
  }

  /** The session as of now (expiry applied). Errors: checkout_not_found (404). */
  async session(merchant: Merchant, id: string, tx?: Transaction): Promise<CheckoutSession> {
    const session = await this.sessions.find(merchant.id, id, tx);
    if (!session) throw new NotFound('Checkout session not found', 'checkout_not_found');
    return this.asOfNow(session);
  }

  /** Expiry, applied on read: an open session past expires_at answers as canceled. */
  asOfNow(session: CheckoutSession): CheckoutSession {
    const open = session.status === 'incomplete' || session.status === 'ready_for_complete';
    if (!open || session.expiresAt.getTime() > this.now().getTime()) return session;
    return {
      ...session,
      status: 'canceled',
      messages: [{ type: 'info', code: 'checkout_expired', content: 'The checkout session has expired' }],
    };
  }

  result(merchant: Merchant, session: CheckoutSession, order: Order | null): CheckoutResult {
    return { session, merchant: this.publicMerchant(merchant), order };
  }

  publicMerchant(merchant: Merchant): PublicMerchant {
    return toPublicMerchant(merchant, this.settings.publicBaseUrl);
  }

  /** The catalog products a request names, by id (one query). */
  async products(merchant: Merchant, itemIds: readonly string[]) {
    const found = await this.merchants.findProducts(merchant.id, [...new Set(itemIds)]);
    return new Map(found.map((p) => [p.id, p]));
  }

  /** After a conditional write found nothing to change: why, as the error to answer. */
  async whyUnchanged(merchant: Merchant, id: string, tx: Transaction): Promise<Error> {
    try {
      assertOpen(await this.session(merchant, id, tx));
    } catch (error) {
      return error as Error;
    }
    return new Conflict('checkout_changed', 'The checkout changed while this request ran; get it and try again');
  }
}

/** Completed and canceled (or expired) sessions never change. Errors: checkout_completed, checkout_canceled (409). */
export function assertOpen(session: CheckoutSession): void {
  if (session.status === 'completed') throw new Conflict('checkout_completed', 'The checkout is completed and can no longer change');
  if (session.status === 'canceled') throw new Conflict('checkout_canceled', 'The checkout was canceled or has expired');
}
