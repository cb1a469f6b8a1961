import { isUniqueViolation, type SqlClient } from '../../../infra/db/database';
import type { Cursor } from '../../../shared/pagination';
import {
  ProductIdTaken,
  type Ap2MandateSetting,
  type Merchant,
  type MerchantChanges,
  type MerchantRepository,
  type Product,
  type ProductChanges,
} from '../merchant.repository';

interface MerchantRow {
  id: string;
  owner_id: string;
  wallet_id: string;
  currency: string;
  display_name: string;
  tax_rate_bps: number;
  terms_of_service_url: string | null;
  ap2_mandate: Ap2MandateSetting;
  created_at: Date;
  updated_at: Date;
}

interface ProductRow {
  merchant_id: string;
  id: string;
  title: string;
  price: bigint | string;
  currency: string;
  stock: number | null;
  image_url: string | null;
  created_at: Date;
  updated_at: Date;
}

const toMerchant = (r: MerchantRow): Merchant => ({
  id: r.id,
  ownerId: r.owner_id,
  walletId: r.wallet_id,
  currency: r.currency,
  displayName: r.display_name,
  taxRateBps: r.tax_rate_bps,
  termsOfServiceUrl: r.terms_of_service_url,
  ap2Mandate: r.ap2_mandate,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toProduct = (r: ProductRow): Product => ({
  merchantId: r.merchant_id,
  id: r.id,
  title: r.title,
  priceMinor: BigInt(r.price),
  currency: r.currency,
  stock: r.stock,
  imageUrl: r.image_url,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const MERCHANT = 'id, owner_id, wallet_id, currency, display_name, tax_rate_bps, terms_of_service_url, ap2_mandate, created_at, updated_at';
const PRODUCT = 'merchant_id, id, title, price, currency, stock, image_url, created_at, updated_at';

/** The PostgreSQL adapter; PGlite runs the same SQL. */
export class SqlMerchantRepository implements MerchantRepository {
  constructor(private readonly db: SqlClient) {}

  async insert(m: Omit<Merchant, 'createdAt' | 'updatedAt' | 'taxRateBps' | 'termsOfServiceUrl' | 'ap2Mandate'>): Promise<Merchant> {
    const { rows } = await this.db.query<MerchantRow>(
      `INSERT INTO merchants (id, owner_id, wallet_id, currency, display_name) VALUES ($1, $2, $3, $4, $5) RETURNING ${MERCHANT}`,
      [m.id, m.ownerId, m.walletId, m.currency, m.displayName],
    );
    return toMerchant(rows[0]!);
  }

  async tenantOf(id: string): Promise<string | undefined> {
    const { rows } = await this.db.query<{ tenant_id: string }>('SELECT tenant_id FROM merchants WHERE id = $1', [id]);
    return rows[0]?.tenant_id;
  }

  async findById(id: string): Promise<Merchant | null> {
    const { rows } = await this.db.query<MerchantRow>(`SELECT ${MERCHANT} FROM merchants WHERE id = $1`, [id]);
    return rows[0] ? toMerchant(rows[0]) : null;
  }

  async countByOwner(ownerId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM merchants WHERE owner_id = $1', [ownerId]);
    return rows[0]!.n;
  }

  async listByOwner(ownerId: string, limit: number, after?: Cursor): Promise<Merchant[]> {
    const { rows } = await this.db.query<MerchantRow>(
      `SELECT ${MERCHANT} FROM merchants
        WHERE owner_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [ownerId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toMerchant);
  }

  async update(id: string, c: MerchantChanges): Promise<Merchant | null> {
    const { rows } = await this.db.query<MerchantRow>(
      `UPDATE merchants SET
         display_name = COALESCE($2, display_name),
         tax_rate_bps = COALESCE($3::int, tax_rate_bps),
         terms_of_service_url = CASE WHEN $4 THEN $5 ELSE terms_of_service_url END,
         ap2_mandate = COALESCE($6, ap2_mandate),
         updated_at = now()
       WHERE id = $1 RETURNING ${MERCHANT}`,
      [
        id,
        c.displayName ?? null,
        c.taxRateBps ?? null,
        c.termsOfServiceUrl !== undefined,
        c.termsOfServiceUrl ?? null,
        c.ap2Mandate ?? null,
      ],
    );
    return rows[0] ? toMerchant(rows[0]) : null;
  }

  async insertProduct(p: Omit<Product, 'createdAt' | 'updatedAt'>): Promise<Product> {
    try {
      const { rows } = await this.db.query<ProductRow>(
        `INSERT INTO merchant_products (merchant_id, id, title, price, currency, stock, image_url)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${PRODUCT}`,
        [p.merchantId, p.id, p.title, p.priceMinor, p.currency, p.stock, p.imageUrl],
      );
      return toProduct(rows[0]!);
    } catch (error) {
      if (isUniqueViolation(error, 'merchant_products_pkey')) throw new ProductIdTaken();
      throw error;
    }
  }

  async findProduct(merchantId: string, id: string): Promise<Product | null> {
    const { rows } = await this.db.query<ProductRow>(`SELECT ${PRODUCT} FROM merchant_products WHERE merchant_id = $1 AND id = $2`, [
      merchantId,
      id,
    ]);
    return rows[0] ? toProduct(rows[0]) : null;
  }

  async findProducts(merchantId: string, ids: readonly string[]): Promise<Product[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.db.query<ProductRow>(
      `SELECT ${PRODUCT} FROM merchant_products WHERE merchant_id = $1 AND id = ANY($2::text[])`,
      [merchantId, [...ids]],
    );
    return rows.map(toProduct);
  }

  async countProducts(merchantId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM merchant_products WHERE merchant_id = $1', [
      merchantId,
    ]);
    return rows[0]!.n;
  }

  async listProducts(merchantId: string, limit: number, after?: Cursor): Promise<Product[]> {
    const { rows } = await this.db.query<ProductRow>(
      `SELECT ${PRODUCT} FROM merchant_products
        WHERE merchant_id = $1 AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::text))
        ORDER BY created_at DESC, id DESC LIMIT $4`,
      [merchantId, after?.createdAt ?? null, after?.id ?? null, limit + 1],
    );
    return rows.map(toProduct);
  }

  async updateProduct(merchantId: string, id: string, c: ProductChanges): Promise<Product | null> {
    const { rows } = await this.db.query<ProductRow>(
      `UPDATE merchant_products SET
         title = COALESCE($3, title),
         price = COALESCE($4::bigint, price),
         stock = CASE WHEN $5 THEN $6::int ELSE stock END,
         image_url = CASE WHEN $7 THEN $8 ELSE image_url END,
         updated_at = now()
       WHERE merchant_id = $1 AND id = $2
       RETURNING ${PRODUCT}`,
      [
        merchantId,
        id,
        c.title ?? null,
        c.priceMinor ?? null,
        c.stock !== undefined,
        c.stock ?? null,
        c.imageUrl !== undefined,
        c.imageUrl ?? null,
      ],
    );
    return rows[0] ? toProduct(rows[0]) : null;
  }

  async deleteProduct(merchantId: string, id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM merchant_products WHERE merchant_id = $1 AND id = $2', [merchantId, id]);
    return rowCount > 0;
  }
}
