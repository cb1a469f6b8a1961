import { newId } from '../../../infra/crypto/ids';
import { AMOUNT_MAX_MINOR } from '../../../shared/money/money';
import { STOCK_MAX, type Merchant, type Product } from '../merchant.repository';
import type { CheckoutContent, CheckoutLine, CheckoutMessage, Buyer } from './checkout.repository';

/** A line as the platform asks for it: only the item id and the quantity count (its title and price are never read). */
export interface RequestedLine {
  id?: string;
  itemId: string;
  quantity: number;
}

/** What a create or an update (full replacement) carries, once the edge has parsed it. */
export interface CheckoutRequest {
  lines: RequestedLine[];
  buyer?: Buyer;
  /** A currency the platform asked for (`currency` or `context.currency`), with where it said so. */
  currency?: { code: string; path: string };
}

const BPS = 10_000n;

/**
 * Prices a cart from the merchant's catalog: the one place where amounts are made. Problems become
 * UCP messages with JSONPaths into the request, never exceptions:
 * - an item not in the catalog (`item_not_found`) or a quantity ≤ 0 (`invalid_quantity`): the line is
 *   left out of line_items (there is nothing true to show for it) and the message says which one;
 * - more than the stock (`insufficient_stock`, summed over the lines of one product), or than
 *   STOCK_MAX of an unlimited one (`invalid_quantity`): the line stays, priced, so the platform sees
 *   what it asked for, and the session cannot be completed;
 * - a currency that is not the merchant's (`currency_not_supported`), an empty cart (`missing`);
 * - a total above the per-operation maximum (`total_too_large`): no line is kept.
 * Any error makes the session `incomplete`; none makes it `ready_for_complete`.
 * Tax: subtotal × taxRateBps / 10000, rounded half-up, once per checkout (not per line).
 */
export function priceCheckout(merchant: Merchant, products: ReadonlyMap<string, Product>, request: CheckoutRequest): CheckoutContent {
  const messages: CheckoutMessage[] = [];
  const lines: CheckoutLine[] = [];
  const usedIds = new Set<string>();
  const wanted = new Map<string, number>();

  if (request.currency && request.currency.code !== merchant.currency) {
    messages.push(error('currency_not_supported', `This merchant sells in ${merchant.currency} only`, request.currency.path));
  }
  if (request.lines.length === 0) messages.push(error('missing', 'Add at least one item to the checkout', '$.line_items'));

  request.lines.forEach((requested, index) => {
    const path = `$.line_items[${index}]`;
    const product = products.get(requested.itemId);
    if (!product) {
      messages.push(error('item_not_found', `Item ${requested.itemId} is not in this merchant's catalog`, `${path}.item.id`));
      return;
    }
    if (requested.quantity <= 0) {
      messages.push(error('invalid_quantity', 'The quantity must be at least 1', `${path}.quantity`));
      return;
    }
    const id = requested.id !== undefined && !usedIds.has(requested.id) ? requested.id : newId('li');
    usedIds.add(id);
    const total = (wanted.get(product.id) ?? 0) + requested.quantity;
    wanted.set(product.id, total);
    if (product.stock !== null && total > product.stock) {
      messages.push(error('insufficient_stock', `Only ${product.stock} of ${product.title} in stock`, `${path}.quantity`));
    } else if (total > STOCK_MAX) {
      // Lines of one item add up; unlimited stock bounds nothing, and the stock update counts in INTEGER.
      messages.push(error('invalid_quantity', `At most ${STOCK_MAX} of one item in a checkout`, `${path}.quantity`));
    }
    lines.push({
      id,
      itemId: product.id,
      title: product.title,
      priceMinor: product.priceMinor,
      imageUrl: product.imageUrl,
      quantity: requested.quantity,
      subtotalMinor: product.priceMinor * BigInt(requested.quantity),
    });
  });

  const subtotalMinor = lines.reduce((sum, line) => sum + line.subtotalMinor, 0n);
  const taxMinor = (subtotalMinor * BigInt(merchant.taxRateBps) + BPS / 2n) / BPS;
  let content: Omit<CheckoutContent, 'status' | 'buyer'> = {
    lines,
    messages,
    subtotalMinor,
    taxMinor,
    totalMinor: subtotalMinor + taxMinor,
  };
  if (content.totalMinor > AMOUNT_MAX_MINOR) {
    const tooLarge = error('total_too_large', `The total is above the maximum of ${AMOUNT_MAX_MINOR} minor units`, '$.line_items');
    content = { lines: [], messages: [...messages, tooLarge], subtotalMinor: 0n, taxMinor: 0n, totalMinor: 0n };
  }
  const blocked = content.messages.some((m) => m.type === 'error');
  return { ...content, status: blocked ? 'incomplete' : 'ready_for_complete', buyer: request.buyer ?? null };
}

function error(code: string, content: string, path: string): CheckoutMessage {
  return { type: 'error', code, content, severity: 'recoverable', path };
}
