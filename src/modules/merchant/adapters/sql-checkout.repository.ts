import { sqlOf, type SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import type { Transaction } from '../../../shared/transaction';
import type {
  Buyer,
  CheckoutContent,
  CheckoutLine,
  CheckoutMessage,
  CheckoutRepository,
  CheckoutSession,
  CheckoutStatus,
  Order,
} from '../checkout/checkout.repository';

/** A line in JSONB: amounts as strings of digits (JSON numbers would lose bigint precision). */
interface StoredLine {
  id: string;
  item_id: string;
  title: string;
  price: string;
  image_url: string | null;
  quantity: number;
  subtotal: string;
}

interface SessionRow {
  id: string;
  merchant_id: string;
  status: CheckoutStatus;
  currency: string;
  line_items: StoredLine[];
  messages: CheckoutMessage[];
  subtotal: bigint | string;
  tax: bigint | string;
  total: bigint | string;
  buyer: Buyer | null;
  ucp_agent_profile: string | null;
  expires_at: Date;
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface OrderRow {
  id: string;
  merchant_id: string;
  checkout_id: string;
  currency: string;
  line_items: StoredLine[];
  subtotal: bigint | string;
  tax: bigint | string;
  total: bigint | string;
  payment_id: string;
  buyer: Buyer | null;
  created_at: Date;
}

const toStored = (l: CheckoutLine): StoredLine => ({
  id: l.id,
  item_id: l.itemId,
  title: l.title,
  price: l.priceMinor.toString(),
  image_url: l.imageUrl,
  quantity: l.quantity,
  subtotal: l.subtotalMinor.toString(),
});

const toLine = (l: StoredLine): CheckoutLine => ({
  id: l.id,
  itemId: l.item_id,
  title: l.title,
  priceMinor: BigInt(l.price),
  imageUrl: l.image_url,
  quantity: l.quantity,
  subtotalMinor: BigInt(l.subtotal),
});

const toSession = (r: SessionRow): CheckoutSession => ({
  id: r.id,
  merchantId: r.merchant_id,
  status: r.status,
  currency: r.currency,
  lines: r.line_items.map(toLine),
  messages: r.messages,
  subtotalMinor: BigInt(r.subtotal),
  taxMinor: BigInt(r.tax),
  totalMinor: BigInt(r.total),
  buyer: r.buyer,
  ucpAgentProfile: r.ucp_agent_profile,
  expiresAt: r.expires_at,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toOrder = (r: OrderRow): Order => ({
  id: r.id,
  merchantId: r.merchant_id,
  checkoutId: r.checkout_id,
  currency: r.currency,
  lines: r.line_items.map(toLine),
  subtotalMinor: BigInt(r.subtotal),
  taxMinor: BigInt(r.tax),
  totalMinor: BigInt(r.total),
  paymentId: r.payment_id,
  buyer: r.buyer,
  createdAt: r.created_at,
});

const SESSION =
  'id, merchant_id, status, currency, line_items, messages, subtotal, tax, total, buyer, ucp_agent_profile, expires_at, version, created_at, updated_at';
const ORDER = 'id, merchant_id, checkout_id, currency, line_items, subtotal, tax, total, payment_id, buyer, created_at';
/** Open: neither completed nor canceled, and not past expires_at at the service's `now`. */
const OPEN_AT = (nowParam: string) => `status IN ('incomplete', 'ready_for_complete') AND expires_at > ${nowParam}`;

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlCheckoutRepository implements CheckoutRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(tx: Transaction, s: CheckoutSession): Promise<void> {
    await sqlOf(tx).query(
      `INSERT INTO checkout_sessions (${SESSION}) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8, $9, $10::jsonb, $11, $12, $13, $14, $15)`,
      [
        s.id,
        s.merchantId,
        s.status,
        s.currency,
        JSON.stringify(s.lines.map(toStored)),
        JSON.stringify(s.messages),
        s.subtotalMinor,
        s.taxMinor,
        s.totalMinor,
        s.buyer === null ? null : JSON.stringify(s.buyer),
        s.ucpAgentProfile,
        s.expiresAt,
        s.version,
        s.createdAt,
        s.updatedAt,
      ],
    );
  }

  async find(merchantId: string, id: string, tx?: Transaction): Promise<CheckoutSession | null> {
    const { rows } = await sqlOf(tx, this.db).query<SessionRow>(
      `SELECT ${SESSION} FROM checkout_sessions WHERE merchant_id = $1 AND id = $2`,
      [merchantId, id],
    );
    return rows[0] ? toSession(rows[0]) : null;
  }

  async replace(tx: Transaction, id: string, version: number, c: CheckoutContent, now: Date): Promise<boolean> {
    const { rowCount } = await sqlOf(tx).query(
      `UPDATE checkout_sessions SET status = $3, line_items = $4::jsonb, messages = $5::jsonb, subtotal = $6, tax = $7, total = $8,
              buyer = $9::jsonb, version = version + 1, updated_at = $10
        WHERE id = $1 AND version = $2 AND ${OPEN_AT('$10')}`,
      [
        id,
        version,
        c.status,
        JSON.stringify(c.lines.map(toStored)),
        JSON.stringify(c.messages),
        c.subtotalMinor,
        c.taxMinor,
        c.totalMinor,
        c.buyer === null ? null : JSON.stringify(c.buyer),
        now,
      ],
    );
    return rowCount === 1;
  }

  async cancel(tx: Transaction, id: string, version: number, now: Date): Promise<boolean> {
    const { rowCount } = await sqlOf(tx).query(
      `UPDATE checkout_sessions SET status = 'canceled', version = version + 1, updated_at = $3
        WHERE id = $1 AND version = $2 AND ${OPEN_AT('$3')}`,
      [id, version, now],
    );
    return rowCount === 1;
  }

  async markCompleted(tx: Transaction, id: string, version: number, now: Date): Promise<boolean> {
    const { rowCount } = await sqlOf(tx).query(
      `UPDATE checkout_sessions SET status = 'completed', version = version + 1, updated_at = $3
        WHERE id = $1 AND version = $2 AND status = 'ready_for_complete' AND expires_at > $3`,
      [id, version, now],
    );
    return rowCount === 1;
  }

  async takeStock(tx: Transaction, merchantId: string, items: readonly { productId: string; quantity: number }[]): Promise<boolean> {
    const sorted = [...items].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
    for (const item of sorted) {
      // Unlimited stock (NULL) stays NULL; a limited one never goes below 0.
      const { rowCount } = await sqlOf(tx).query(
        `UPDATE merchant_products SET stock = stock - $3::bigint, updated_at = now()
          WHERE merchant_id = $1 AND id = $2 AND (stock IS NULL OR stock >= $3::bigint)`,
        [merchantId, item.productId, item.quantity],
      );
      if (rowCount !== 1) return false;
    }
    return true;
  }

  async insertOrder(tx: Transaction, o: Order): Promise<void> {
    await sqlOf(tx).query(`INSERT INTO merchant_orders (${ORDER}) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10::jsonb, $11)`, [
      o.id,
      o.merchantId,
      o.checkoutId,
      o.currency,
      JSON.stringify(o.lines.map(toStored)),
      o.subtotalMinor,
      o.taxMinor,
      o.totalMinor,
      o.paymentId,
      o.buyer === null ? null : JSON.stringify(o.buyer),
      o.createdAt,
    ]);
  }

  async findOrder(merchantId: string, id: string): Promise<Order | null> {
    const { rows } = await this.db.query<OrderRow>(`SELECT ${ORDER} FROM merchant_orders WHERE merchant_id = $1 AND id = $2`, [
      merchantId,
      id,
    ]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async findOrderByCheckout(merchantId: string, checkoutId: string): Promise<Order | null> {
    const { rows } = await this.db.query<OrderRow>(`SELECT ${ORDER} FROM merchant_orders WHERE merchant_id = $1 AND checkout_id = $2`, [
      merchantId,
      checkoutId,
    ]);
    return rows[0] ? toOrder(rows[0]) : null;
  }

  async listOrders(merchantId: string, limit: number, after?: Cursor): Promise<Order[]> {
    const { rows } = await this.db.query<OrderRow>(
      `SELECT ${ORDER} FROM merchant_orders
        WHERE merchant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [merchantId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toOrder);
  }
}
