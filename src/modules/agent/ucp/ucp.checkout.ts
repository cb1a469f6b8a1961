import type { UcpCheckout, UcpMessage } from './ucp.schemas';

const sum = (values: readonly number[]) => values.reduce((a, b) => a + BigInt(b), 0n);

function amountOf(totals: UcpCheckout['totals'], type: string): bigint | undefined {
  const found = totals.filter((t) => t.type === type);
  return found.length === 0 ? undefined : sum(found.map((t) => t.amount));
}

/**
 * What stands between a checkout and its payment, as UCP error messages with JSON paths:
 * the totals must follow from the line items, the status must allow completion, the session
 * must not have expired. Empty when it can be paid. Sums are in bigint, never floats.
 */
export function checkoutProblems(c: UcpCheckout, now: Date): UcpMessage[] {
  const problems: UcpMessage[] = [];
  const error = (code: string, path: string, content: string, severity: UcpMessage['severity'] = 'unrecoverable') =>
    problems.push({ type: 'error', code, path, content, severity });

  if (c.status !== 'ready_for_complete' && c.status !== 'complete_in_progress') {
    error('checkout_not_completable', '$.status', `A checkout in status "${c.status}" cannot be paid`);
  }
  if (c.expires_at && new Date(c.expires_at) <= now) error('checkout_expired', '$.expires_at', 'The checkout session has expired');

  c.line_items.forEach((line, i) => {
    const lineSubtotal = BigInt(line.item.price) * BigInt(line.quantity);
    const stated = line.totals ? amountOf(line.totals, 'subtotal') : undefined;
    if (stated !== undefined && stated !== lineSubtotal) {
      error('totals_mismatch', `$.line_items[${i}].totals`, `Line subtotal ${stated} is not price × quantity = ${lineSubtotal}`);
    }
  });

  const subtotal = c.line_items.reduce((acc, l) => acc + BigInt(l.item.price) * BigInt(l.quantity), 0n);
  const statedSubtotal = amountOf(c.totals, 'subtotal');
  if (statedSubtotal !== undefined && statedSubtotal !== subtotal) {
    error('totals_mismatch', '$.totals', `subtotal ${statedSubtotal} is not the sum of the line items, ${subtotal}`);
  }
  const totalEntries = c.totals.filter((t) => t.type === 'total');
  if (totalEntries.length !== 1) {
    error('totals_mismatch', '$.totals', 'Exactly one total of type "total" is required');
    return problems;
  }
  const add = (type: string) => amountOf(c.totals, type) ?? 0n;
  const expected = subtotal - add('items_discount') - add('discount') + add('fulfillment') + add('tax') + add('fee');
  const stated = BigInt(totalEntries[0]!.amount);
  if (stated !== expected) {
    error('totals_mismatch', '$.totals', `total ${stated} does not follow from the line items and adjustments (${expected})`);
  } else if (stated <= 0n) {
    error('totals_mismatch', '$.totals', 'The total must be above zero to be paid');
  }
  return problems;
}

/** The amount to pay: the checkout's "total" (call only when checkoutProblems found none). */
export function checkoutTotal(c: UcpCheckout): bigint {
  return BigInt(c.totals.find((t) => t.type === 'total')!.amount);
}
