import { newId } from '../../infra/crypto/ids';
import type { Principal } from '../../shared/principal';
import { Conflict, NotFound, Unprocessable } from '../../shared/errors';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import { assertMerchantAccess } from './merchant-access';
import { ProductIdTaken, type Merchant, type MerchantRepository, type Product, type ProductChanges } from './merchant.repository';

/** How many products one merchant's catalog may hold. */
export const PRODUCTS_PER_MERCHANT_MAX = 10_000;

/** As the API carries it: minor units and the currency they are in. */
export interface Price {
  amount: bigint;
  currency: string;
}

export interface NewProduct {
  /** The merchant's SKU; a `prd_…` id is made when absent. */
  id?: string;
  title: string;
  price: Price;
  stock?: number | null;
  imageUrl?: string | null;
}

export interface ProductUpdate {
  title?: string;
  price?: Price;
  stock?: number | null;
  imageUrl?: string | null;
}

/**
 * A merchant's catalog, kept by its owner or its API clients. Prices are in the merchant's currency
 * only: a checkout built from the catalog (issue #16 item 2) then never converts.
 */
export class CatalogService {
  constructor(private readonly merchants: MerchantRepository) {}

  /** Errors: merchant_not_found (404), merchant_currency_mismatch (422), product_exists (409), merchant_limit (422). */
  async add(principal: Principal, merchantId: string, input: NewProduct): Promise<Product> {
    const merchant = await this.merchant(principal, merchantId);
    assertCurrency(merchant, input.price);
    if ((await this.merchants.countProducts(merchant.id)) >= PRODUCTS_PER_MERCHANT_MAX) {
      throw new Unprocessable('merchant_limit', 'The catalog already holds the most products allowed', { max: PRODUCTS_PER_MERCHANT_MAX });
    }
    try {
      return await this.merchants.insertProduct({
        merchantId: merchant.id,
        id: input.id ?? newId('prd'),
        title: input.title,
        priceMinor: input.price.amount,
        currency: merchant.currency,
        stock: input.stock ?? null,
        imageUrl: input.imageUrl ?? null,
      });
    } catch (error) {
      if (error instanceof ProductIdTaken) throw new Conflict('product_exists', 'The catalog already has a product with this id');
      throw error;
    }
  }

  /** Errors: merchant_not_found (404). */
  async list(principal: Principal, merchantId: string, limit: number, after?: Cursor): Promise<Page<Product>> {
    const merchant = await this.merchant(principal, merchantId);
    return toPage(await this.merchants.listProducts(merchant.id, limit, after), limit);
  }

  /** Errors: merchant_not_found, product_not_found (404). */
  async get(principal: Principal, merchantId: string, productId: string): Promise<Product> {
    const merchant = await this.merchant(principal, merchantId);
    return (await this.merchants.findProduct(merchant.id, productId)) ?? throwProductNotFound();
  }

  /** Errors: merchant_not_found, product_not_found (404), merchant_currency_mismatch (422). */
  async update(principal: Principal, merchantId: string, productId: string, input: ProductUpdate): Promise<Product> {
    const merchant = await this.merchant(principal, merchantId);
    if (input.price) assertCurrency(merchant, input.price);
    const changes: ProductChanges = {
      title: input.title,
      priceMinor: input.price?.amount,
      stock: input.stock,
      imageUrl: input.imageUrl,
    };
    return (await this.merchants.updateProduct(merchant.id, productId, changes)) ?? throwProductNotFound();
  }

  /** Errors: merchant_not_found, product_not_found (404). */
  async remove(principal: Principal, merchantId: string, productId: string): Promise<void> {
    const merchant = await this.merchant(principal, merchantId);
    if (!(await this.merchants.deleteProduct(merchant.id, productId))) throwProductNotFound();
  }

  private async merchant(principal: Principal, id: string): Promise<Merchant> {
    return assertMerchantAccess(principal, await this.merchants.findById(id));
  }
}

function assertCurrency(merchant: Merchant, price: Price): void {
  if (price.currency !== merchant.currency) {
    throw new Unprocessable('merchant_currency_mismatch', `Prices of this merchant are in ${merchant.currency}`, {
      currency: merchant.currency,
    });
  }
}

function throwProductNotFound(): never {
  throw new NotFound('Product not found', 'product_not_found');
}
