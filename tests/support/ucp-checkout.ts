import { CheckoutCreateRequestSchema, CheckoutResponseSchema, CheckoutUpdateRequestSchema, MessageSchema } from '@ucp-js/sdk';
import type { TestUser } from './ledger';
import type { TestApp } from './test-app';

/** The platform profile every test request advertises (UCP-Agent, RFC 8941 dictionary). */
export const PLATFORM_PROFILE = 'https://platform.example/profiles/shopping-agent.json';
export const UCP_AGENT = { 'UCP-Agent': `profile="${PLATFORM_PROFILE}"` };

/** A product in the merchant's catalog, through the API. */
export async function addProduct(
  t: TestApp,
  owner: TestUser,
  merchantId: string,
  product: { id: string; title: string; price: number; stock?: number | null; currency?: string; imageUrl?: string },
) {
  const res = await t
    .http()
    .post(`/api/v1/merchants/${merchantId}/products`)
    .set(owner.auth)
    .send({
      id: product.id,
      title: product.title,
      price: { amount: String(product.price), currency: product.currency ?? 'USD' },
      ...(product.stock !== undefined ? { stock: product.stock } : {}),
      ...(product.imageUrl ? { imageUrl: product.imageUrl } : {}),
    });
  if (res.status !== 201) throw new Error(`add product failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Every message of an answer parses with the SDK's MessageSchema. */
export function expectUcpMessages(body: { messages?: unknown[] }) {
  expect(Array.isArray(body.messages)).toBe(true);
  for (const m of body.messages ?? []) expect(() => MessageSchema.parse(m)).not.toThrow();
  return body.messages as { type: string; code: string; content: string; severity?: string; path?: string }[];
}

/** An error answer under /ucp: a UCP body (never OCP's {error}), every message valid. */
export function expectUcpError(res: { status: number; body: Record<string, unknown> }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body.error).toBeUndefined();
  const messages = expectUcpMessages(res.body as { messages?: unknown[] });
  expect(messages.map((m) => m.code)).toContain(code);
  for (const m of messages) expect(m.type).toBe('error');
  return messages;
}

/** The answer parses as the SDK's checkout response; returns the body as sent. */
export function expectCheckout(res: { status: number; body: unknown }, status: number) {
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  CheckoutResponseSchema.parse(res.body);
  return res.body as {
    id: string;
    status: string;
    currency: string;
    line_items: {
      id: string;
      item: { id: string; title: string; price: number; image_url?: string };
      quantity: number;
      totals: { type: string; amount: number }[];
    }[];
    totals: { type: string; amount: number }[];
    messages: { type: string; code: string; content: string; severity?: string; path?: string }[];
    links: { type: string; url: string }[];
    buyer?: Record<string, string>;
    expires_at: string;
    payment: { handlers: { id: string; name: string }[] };
    order?: { id: string; permalink_url: string };
    ucp: { version: string; capabilities: { name: string; version: string }[] };
  };
}

/** POST /checkout-sessions with a body the SDK's create schema accepts (checked first). */
export function createCheckout(t: TestApp, merchantId: string, body: Record<string, unknown>, headers: Record<string, string> = UCP_AGENT) {
  CheckoutCreateRequestSchema.parse(body);
  return t.http().post(`/ucp/${merchantId}/checkout-sessions`).set(headers).send(body);
}

/** PUT /checkout-sessions/{id} with a body the SDK's update schema accepts. */
export function updateCheckout(
  t: TestApp,
  merchantId: string,
  id: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = UCP_AGENT,
) {
  CheckoutUpdateRequestSchema.parse(body);
  return t.http().put(`/ucp/${merchantId}/checkout-sessions/${id}`).set(headers).send(body);
}

export const totalOf = (checkout: { totals: { type: string; amount: number }[] }, type = 'total') =>
  checkout.totals.find((x) => x.type === type)?.amount;

/** POST /checkout-sessions/{id}/complete with `payment_data` (and AP2's checkout mandate when given). */
export function completeCheckout(
  t: TestApp,
  merchantId: string,
  id: string,
  body: { payment_data: Record<string, unknown>; ap2?: { checkout_mandate: string } },
  headers: Record<string, string> = UCP_AGENT,
) {
  return t.http().post(`/ucp/${merchantId}/checkout-sessions/${id}/complete`).set(headers).send(body);
}
