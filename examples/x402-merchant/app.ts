import express, { type Express } from 'express';
import { HTTPFacilitatorClient } from '@x402/core/server';
import { ExactEvmScheme } from '@x402/evm/exact/server';
import { paymentMiddleware, x402ResourceServer } from '@x402/express';

/**
 * A merchant's API that charges per request with x402, OCP as its facilitator (docs/x402.md):
 * @x402/express answers 402 with the price, has OCP verify the buyer's signed payment, serves the
 * request, then has OCP settle it on chain into `payTo` (the merchant's vaulted chain wallet in OCP).
 * Nothing here is OCP-specific but the facilitator URL and its bearer token.
 */
export interface MerchantAppOptions {
  /** OCP's facilitator: PUBLIC_BASE_URL + "/x402". */
  facilitatorUrl: string;
  /** Headers for verify and settle: a bearer token of the merchant's OCP API client. */
  authHeaders: () => Promise<Record<string, string>>;
  /** CAIP-2, e.g. "eip155:8453" (Base) or "eip155:31337" (anvil). */
  network: `eip155:${number}`;
  /** The EIP-3009 token contract (USDC), configured in OCP's WEB3_CHAINS. */
  asset: string;
  /** Its EIP-712 domain (USDC: "USD Coin", "2"). */
  assetDomain: { name: string; version: string };
  /** Price per request in the token's base units (USDC: 10000 = $0.01). */
  amount: string;
  /** Where the money goes: the merchant's chain wallet address. */
  payTo: string;
  /** How long a buyer's signed payment stays valid (the SDK's default when left out). */
  maxTimeoutSeconds?: number;
}

export function createMerchantApp(o: MerchantAppOptions): Express & { served: () => number } {
  const facilitator = new HTTPFacilitatorClient({
    url: o.facilitatorUrl,
    createAuthHeaders: async () => {
      const auth = await o.authHeaders();
      return { verify: auth, settle: auth, supported: {} };
    },
  });
  const resourceServer = new x402ResourceServer(facilitator).register(o.network, new ExactEvmScheme());
  const app = express();
  let served = 0;
  app.use(
    paymentMiddleware(
      {
        'GET /weather': {
          accepts: {
            scheme: 'exact',
            network: o.network,
            payTo: o.payTo,
            price: { amount: o.amount, asset: o.asset, extra: o.assetDomain },
            ...(o.maxTimeoutSeconds ? { maxTimeoutSeconds: o.maxTimeoutSeconds } : {}),
          },
          description: 'The weather, per request',
          mimeType: 'application/json',
        },
      },
      resourceServer,
    ),
  );
  app.get('/weather', (_req, res) => {
    served += 1;
    res.json({ weather: 'sunny' });
  });
  return Object.assign(app, { served: () => served });
}

/**
 * Bearer headers from an OCP API client's credentials (client_credentials at /api/v1/auth/token),
 * fetched again a minute before the token expires.
 */
export function ocpClientAuth(ocpUrl: string, clientId: string, clientSecret: string): () => Promise<Record<string, string>> {
  let cached: { token: string; renewAt: number } | undefined;
  return async () => {
    if (!cached || Date.now() >= cached.renewAt) {
      const res = await fetch(`${ocpUrl}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ clientId, clientSecret }),
      });
      if (!res.ok) throw new Error(`OCP refused the API client's credentials (${res.status})`);
      const body = (await res.json()) as { accessToken: string; expiresIn: number };
      cached = { token: body.accessToken, renewAt: Date.now() + Math.max(0, body.expiresIn - 60) * 1000 };
    }
    return { Authorization: `Bearer ${cached.token}` };
  };
}
