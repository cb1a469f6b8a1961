import { checkoutProblems, checkoutTotal } from '../../../src/modules/agent/ucp/ucp.checkout';
import { ucpCheckout as ucpCheckoutSchema, type UcpCheckout } from '../../../src/modules/agent/ucp/ucp.schemas';
import { AMOUNT_MAX_MINOR } from '../../../src/shared/money/money';
import { ucpCheckout } from '../../support/ucp';

const parse = (overrides: Record<string, unknown> = {}): UcpCheckout => ucpCheckoutSchema.parse(ucpCheckout(overrides));
const now = new Date();

describe('UCP checkout rules', () => {
  it('when the totals follow from the lines and the adjustments, then there is no problem and the total is paid', () => {
    const checkout = parse();
    expect(checkoutProblems(checkout, now)).toEqual([]);
    expect(checkoutTotal(checkout)).toBe(3_600n);
  });

  it('when items_discount and fee are present, then they count in the total', () => {
    const totals = [
      { type: 'subtotal', amount: 3500 },
      { type: 'items_discount', amount: 500 },
      { type: 'fee', amount: 50 },
      { type: 'total', amount: 3050 },
    ];
    expect(checkoutProblems(parse({ totals }), now)).toEqual([]);
  });

  it('when there are two totals of type total, or none, then totals_mismatch', () => {
    const two = [
      { type: 'total', amount: 3500 },
      { type: 'total', amount: 3500 },
    ];
    expect(checkoutProblems(parse({ totals: two }), now).map((m) => m.code)).toEqual(['totals_mismatch']);
    expect(checkoutProblems(parse({ totals: [{ type: 'subtotal', amount: 3500 }] }), now).map((m) => m.code)).toEqual(['totals_mismatch']);
  });

  it('when amounts are at the largest amount per operation, then the sums stay exact', () => {
    const price = Number(AMOUNT_MAX_MINOR);
    const line_items = [{ id: 'l', item: { id: 'i', price }, quantity: 3 }];
    const exact = BigInt(price) * 3n;
    const totals = [{ type: 'total', amount: price }];
    const problems = checkoutProblems(parse({ line_items, totals }), now);
    expect(problems[0]!.content).toContain(exact.toString());
  });

  it('when a price is past the largest amount per operation, then the checkout is refused', () => {
    const line_items = [{ id: 'l', item: { id: 'i', price: Number(AMOUNT_MAX_MINOR) + 1 }, quantity: 1 }];
    expect(ucpCheckoutSchema.safeParse(ucpCheckout({ line_items })).success).toBe(false);
  });

  it('when several things are wrong, then each is reported with its path', () => {
    const problems = checkoutProblems(parse({ status: 'canceled', expires_at: '2020-01-01T00:00:00Z' }), now);
    expect(problems.map((m) => m.path)).toEqual(['$.status', '$.expires_at']);
  });
});
