import type { Principal } from '../../../shared/principal';
import { NotFound } from '../../../shared/errors';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import { assertMerchantAccess } from '../merchant-access';
import type { MerchantRepository } from '../merchant.repository';
import type { CheckoutRepository, Order } from './checkout.repository';

/** The orders placed with a merchant through its UCP checkouts, for its owner and its API clients. */
export class OrderService {
  constructor(
    private readonly sessions: CheckoutRepository,
    private readonly merchants: MerchantRepository,
  ) {}

  /** Newest first. Errors: merchant_not_found (404). */
  async list(principal: Principal, merchantId: string, limit: number, after?: Cursor): Promise<Page<Order>> {
    const merchant = assertMerchantAccess(principal, await this.merchants.findById(merchantId));
    return toPage(await this.sessions.listOrders(merchant.id, limit, after), limit);
  }

  /** The checkout an order was placed from, for the payment lookup by order id (the caller checked access); null: no such order. */
  async checkoutIdOf(merchantId: string, orderId: string): Promise<string | null> {
    return (await this.sessions.findOrder(merchantId, orderId))?.checkoutId ?? null;
  }

  /** Errors: merchant_not_found, order_not_found (404). */
  async get(principal: Principal, merchantId: string, orderId: string): Promise<Order> {
    const merchant = assertMerchantAccess(principal, await this.merchants.findById(merchantId));
    const order = await this.sessions.findOrder(merchant.id, orderId);
    if (!order) throw new NotFound('Order not found', 'order_not_found');
    return order;
  }
}
