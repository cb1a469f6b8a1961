import { randomUUID } from 'node:crypto';

/** A UCP 2026-04-08 checkout ready to be completed: 2 × 1500 + 1 × 500, 300 tax, 200 shipping, 400 off. */
export function ucpCheckout(overrides: Record<string, unknown> = {}) {
  return {
    ucp: { version: '2026-04-08', capabilities: { 'dev.ucp.shopping.checkout': [{ version: '2026-04-08' }] } },
    id: `chk_${randomUUID()}`,
    status: 'ready_for_complete',
    currency: 'USD',
    line_items: [
      { id: 'li_1', item: { id: 'sku_tee', title: 'T-shirt', price: 1500 }, quantity: 2, totals: [{ type: 'subtotal', amount: 3000 }] },
      { id: 'li_2', item: { id: 'sku_mug', title: 'Mug', price: 500 }, quantity: 1 },
    ],
    totals: [
      { type: 'subtotal', amount: 3500 },
      { type: 'discount', amount: 400 },
      { type: 'fulfillment', amount: 200 },
      { type: 'tax', amount: 300 },
      { type: 'total', amount: 3600 },
    ],
    links: [{ type: 'terms_of_service', url: 'https://merchant.example/terms' }],
    expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    payment: { instruments: [{ id: 'pi_1', handler_id: 'ocp_wallet', type: 'ocp_agent_wallet' }] },
    ...overrides,
  };
}
