import type { Cursor } from '../../shared/pagination';

export interface Merchant {
  id: string;
  ownerId: string;
  walletId: string;
  /** The bound wallet's currency: every catalog price is in it. */
  currency: string;
  displayName: string;
  /** Tax on a checkout's subtotal in basis points (0 to 10000), rounded half-up once per checkout. */
  taxRateBps: number;
  /** The merchant's terms (https), linked from its checkouts; null: none. */
  termsOfServiceUrl: string | null;
  /** 'required': its UCP checkouts carry AP2's merchant authorization and completing needs a checkout mandate. */
  ap2Mandate: Ap2MandateSetting;
  createdAt: Date;
  updatedAt: Date;
}

export type Ap2MandateSetting = 'off' | 'required';

export interface MerchantChanges {
  displayName?: string;
  taxRateBps?: number;
  termsOfServiceUrl?: string | null;
  ap2Mandate?: Ap2MandateSetting;
}

/** Highest stock a product may carry, and the most of one item a checkout may take: far above any catalog, well inside PostgreSQL's INTEGER. */
export const STOCK_MAX = 1_000_000_000;

export interface Product {
  merchantId: string;
  /** The merchant's SKU, or a generated `prd_…`; unique within the merchant. */
  id: string;
  title: string;
  /** Minor units of `currency`. */
  priceMinor: bigint;
  currency: string;
  /** null: unlimited. */
  stock: number | null;
  imageUrl: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProductChanges {
  title?: string;
  priceMinor?: bigint;
  stock?: number | null;
  imageUrl?: string | null;
}

/**
 * Storage of merchants and their catalogs. Errors: `insertProduct` throws ProductIdTaken when the
 * merchant already has a product with that id; nothing else is expected.
 */
export interface MerchantRepository {
  insert(merchant: Omit<Merchant, 'createdAt' | 'updatedAt' | 'taxRateBps' | 'termsOfServiceUrl' | 'ap2Mandate'>): Promise<Merchant>;
  findById(id: string): Promise<Merchant | null>;
  /** The tenant a merchant belongs to (ids are unique across tenants); asked in system scope. */
  tenantOf(id: string): Promise<string | undefined>;
  countByOwner(ownerId: string): Promise<number>;
  /** Newest first; limit + 1 rows so the caller can tell whether there is a next page. */
  listByOwner(ownerId: string, limit: number, after?: Cursor): Promise<Merchant[]>;
  update(id: string, changes: MerchantChanges): Promise<Merchant | null>;

  insertProduct(product: Omit<Product, 'createdAt' | 'updatedAt'>): Promise<Product>;
  findProduct(merchantId: string, id: string): Promise<Product | null>;
  /** The products of `ids` that exist (any order); at most a checkout's line count of ids. */
  findProducts(merchantId: string, ids: readonly string[]): Promise<Product[]>;
  countProducts(merchantId: string): Promise<number>;
  /** Newest first; limit + 1 rows. */
  listProducts(merchantId: string, limit: number, after?: Cursor): Promise<Product[]>;
  updateProduct(merchantId: string, id: string, changes: ProductChanges): Promise<Product | null>;
  deleteProduct(merchantId: string, id: string): Promise<boolean>;
}

export class ProductIdTaken extends Error {}
