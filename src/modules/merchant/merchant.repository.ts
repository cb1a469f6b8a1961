import type { Cursor } from '../../shared/pagination';

export interface Merchant {
  id: string;
  ownerId: string;
  walletId: string;
  /** The bound wallet's currency: every catalog price is in it. */
  currency: string;
  displayName: string;
  createdAt: Date;
  updatedAt: Date;
}

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
  insert(merchant: Omit<Merchant, 'createdAt' | 'updatedAt'>): Promise<Merchant>;
  findById(id: string): Promise<Merchant | null>;
  countByOwner(ownerId: string): Promise<number>;
  /** Newest first; limit + 1 rows so the caller can tell whether there is a next page. */
  listByOwner(ownerId: string, limit: number, after?: Cursor): Promise<Merchant[]>;
  updateDisplayName(id: string, displayName: string): Promise<Merchant | null>;

  insertProduct(product: Omit<Product, 'createdAt' | 'updatedAt'>): Promise<Product>;
  findProduct(merchantId: string, id: string): Promise<Product | null>;
  countProducts(merchantId: string): Promise<number>;
  /** Newest first; limit + 1 rows. */
  listProducts(merchantId: string, limit: number, after?: Cursor): Promise<Product[]>;
  updateProduct(merchantId: string, id: string, changes: ProductChanges): Promise<Product | null>;
  deleteProduct(merchantId: string, id: string): Promise<boolean>;
}

export class ProductIdTaken extends Error {}
