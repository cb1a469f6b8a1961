import { priceCheckout } from '../../../src/modules/merchant/checkout/checkout-pricing';
import type { Merchant, Product } from '../../../src/modules/merchant/merchant.repository';

const merchant = (taxRateBps = 0): Merchant => ({
  id: 'mer_1',
  ownerId: 'usr_1',
  walletId: 'wal_1',
  currency: 'USD',
  displayName: 'Shop',
  taxRateBps,
  termsOfServiceUrl: null,
  ap2Mandate: 'off',
  createdAt: new Date(),
  updatedAt: new Date(),
});

const product = (id: string, priceMinor: bigint, stock: number | null = null): Product => ({
  merchantId: 'mer_1',
  id,
  title: id.toUpperCase(),
  priceMinor,
  currency: 'USD',
  stock,
  imageUrl: null,
  createdAt: new Date(),
  updatedAt: new Date(),
});

const catalog = new Map([
  ['a', product('a', 1999n, 3)],
  ['b', product('b', 5n)],
]);

describe('priceCheckout', () => {
  it('when every line is valid, then lines, subtotal, tax (half-up once) and total come from the catalog', () => {
    // 1999 × 2 + 5 × 1 = 4003; 4003 × 12.5 % = 500.375 → 500
    const priced = priceCheckout(merchant(1250), catalog, {
      lines: [
        { id: 'li_a', itemId: 'a', quantity: 2 },
        { itemId: 'b', quantity: 1 },
      ],
    });
    expect(priced.status).toBe('ready_for_complete');
    expect(priced.lines.map((l) => [l.id, l.itemId, l.priceMinor, l.subtotalMinor])).toEqual([
      ['li_a', 'a', 1999n, 3998n],
      [expect.stringMatching(/^li_/), 'b', 5n, 5n],
    ]);
    expect([priced.subtotalMinor, priced.taxMinor, priced.totalMinor]).toEqual([4003n, 500n, 4503n]);
  });

  it('when the tax lands on exactly half a minor unit, then it rounds up', () => {
    // 5 × 1 × 10 % = 0.5 → 1
    const priced = priceCheckout(merchant(1000), catalog, { lines: [{ itemId: 'b', quantity: 1 }] });
    expect(priced.taxMinor).toBe(1n);
    // 5 × 1 × 9.99 % = 0.4995 → 0
    expect(priceCheckout(merchant(999), catalog, { lines: [{ itemId: 'b', quantity: 1 }] }).taxMinor).toBe(0n);
  });

  it('when a line id repeats, then the second gets a new li_ id', () => {
    const priced = priceCheckout(merchant(), catalog, {
      lines: [
        { id: 'x', itemId: 'b', quantity: 1 },
        { id: 'x', itemId: 'b', quantity: 1 },
      ],
    });
    expect(priced.lines[0]!.id).toBe('x');
    expect(priced.lines[1]!.id).toMatch(/^li_/);
  });

  it('when the stock is exactly the quantity, then it is fine; one more is insufficient_stock', () => {
    expect(priceCheckout(merchant(), catalog, { lines: [{ itemId: 'a', quantity: 3 }] }).messages).toEqual([]);
    expect(priceCheckout(merchant(), catalog, { lines: [{ itemId: 'a', quantity: 4 }] }).messages.map((m) => m.code)).toEqual([
      'insufficient_stock',
    ]);
  });

  it('when lines of one unlimited item add up past 10^9, then invalid_quantity on the line that crosses it and the session is incomplete', () => {
    const line = { itemId: 'b', quantity: 1_000_000_000 };
    expect(priceCheckout(merchant(), catalog, { lines: [line] }).status).toBe('ready_for_complete');
    const priced = priceCheckout(merchant(), catalog, { lines: [line, { itemId: 'b', quantity: 1 }, line] });
    expect(priced.status).toBe('incomplete');
    expect(priced.messages.map((m) => [m.code, m.path])).toEqual([
      ['invalid_quantity', '$.line_items[1].quantity'],
      ['invalid_quantity', '$.line_items[2].quantity'],
    ]);
  });

  it('when the platform asks for the merchant’s own currency, then there is no message', () => {
    expect(
      priceCheckout(merchant(), catalog, { lines: [{ itemId: 'b', quantity: 1 }], currency: { code: 'USD', path: '$.currency' } }).messages,
    ).toEqual([]);
  });
});
