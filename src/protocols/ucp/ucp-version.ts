/**
 * The one UCP version this edge speaks: the one @ucp-js/sdk 0.1.1 implements. Every response's
 * `ucp.version` and every profile says it; requests are parsed as this version's.
 */
export const UCP_VERSION = '2026-01-11';

export const SHOPPING_SERVICE = 'dev.ucp.shopping';
export const CHECKOUT_CAPABILITY = 'dev.ucp.shopping.checkout';

/** The spec's own documents for this version (overview.md "Spec URL Binding": ucp.dev is the dev.ucp.* authority). */
export const UCP_SPEC = {
  overview: 'https://ucp.dev/specification/overview',
  restSchema: 'https://ucp.dev/services/shopping/rest.openapi.json',
  checkout: 'https://ucp.dev/specification/checkout',
  checkoutSchema: 'https://ucp.dev/schemas/shopping/checkout.json',
} as const;

/** The `ucp` object of a checkout response: the version and the capabilities active for it. */
export function checkoutUcp() {
  return { version: UCP_VERSION, capabilities: [{ name: CHECKOUT_CAPABILITY, version: UCP_VERSION }] };
}
