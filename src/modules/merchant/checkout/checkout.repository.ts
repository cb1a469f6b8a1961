import type { Cursor } from '../../../shared/pagination';
import type { Transaction } from '../../../shared/transaction';

/** The statuses OCP uses of UCP's checkout lifecycle (no escalation: nothing here needs a buyer's UI). */
export type CheckoutStatus = 'incomplete' | 'ready_for_complete' | 'completed' | 'canceled';

/** A line as OCP priced it from the catalog when the session was created or last updated. */
export interface CheckoutLine {
  /** `li_…`, or the platform's own id when it gave a unique one. */
  id: string;
  /** The catalog product (the merchant's SKU). */
  itemId: string;
  title: string;
  priceMinor: bigint;
  imageUrl: string | null;
  quantity: number;
  /** priceMinor × quantity. */
  subtotalMinor: bigint;
}

/** A UCP message (checkout.json's messages[]): what keeps the session from being completed, and why. */
export interface CheckoutMessage {
  type: 'error' | 'warning' | 'info';
  code: string;
  content: string;
  /** On errors: who resolves it (UCP's message_error severities). */
  severity?: 'recoverable' | 'requires_buyer_input' | 'requires_buyer_review';
  /** RFC 9535 JSONPath into the request that caused it, e.g. `$.line_items[1].quantity`. */
  path?: string;
}

export interface Buyer {
  email?: string;
  first_name?: string;
  last_name?: string;
  phone_number?: string;
}

export interface CheckoutSession {
  id: string;
  merchantId: string;
  status: CheckoutStatus;
  currency: string;
  lines: CheckoutLine[];
  messages: CheckoutMessage[];
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  buyer: Buyer | null;
  /** The platform's profile URI from the UCP-Agent header of the creating request. */
  ucpAgentProfile: string | null;
  expiresAt: Date;
  /** Grows by one on every change; complete pays the version it read. */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

/** What create and update (a full replacement) set. */
export type CheckoutContent = Pick<
  CheckoutSession,
  'status' | 'lines' | 'messages' | 'subtotalMinor' | 'taxMinor' | 'totalMinor' | 'buyer'
>;

export interface Order {
  id: string;
  merchantId: string;
  checkoutId: string;
  currency: string;
  lines: CheckoutLine[];
  subtotalMinor: bigint;
  taxMinor: bigint;
  totalMinor: bigint;
  /** The OCP payment that paid the order. */
  paymentId: string;
  buyer: Buyer | null;
  createdAt: Date;
}

/**
 * Storage of checkout sessions and orders. The writes that change a session are conditional (on
 * its status, version and expiry at `now`) and answer null / false when the condition no longer
 * holds, so two concurrent changes never both apply. Errors: only the database's.
 */
export interface CheckoutRepository {
  insert(tx: Transaction, session: CheckoutSession): Promise<void>;
  /** Outside a transaction unless `tx` is given. */
  find(merchantId: string, id: string, tx?: Transaction): Promise<CheckoutSession | null>;
  /** Replaces the content of a session still open at `now` and still at `version`; false otherwise. */
  replace(tx: Transaction, id: string, version: number, content: CheckoutContent, now: Date): Promise<boolean>;
  /** Cancels a session still open at `now` and still at `version`; false otherwise. */
  cancel(tx: Transaction, id: string, version: number, now: Date): Promise<boolean>;
  /** ready_for_complete at `version` and unexpired at `now` → completed; false when another change came first. */
  markCompleted(tx: Transaction, id: string, version: number, now: Date): Promise<boolean>;
  /**
   * Takes `quantity` units of each product off its stock (unlimited stock stays unlimited), in
   * product-id order so concurrent completes lock rows in one order. False, and nothing to keep,
   * when a product is gone or holds too few: the caller rolls the transaction back.
   */
  takeStock(tx: Transaction, merchantId: string, items: readonly { productId: string; quantity: number }[]): Promise<boolean>;
  insertOrder(tx: Transaction, order: Order): Promise<void>;
  findOrder(merchantId: string, id: string): Promise<Order | null>;
  findOrderByCheckout(merchantId: string, checkoutId: string): Promise<Order | null>;
  /** Newest first; limit + 1 rows so the caller can tell whether there is a next page. */
  listOrders(merchantId: string, limit: number, after?: Cursor): Promise<Order[]>;
}
