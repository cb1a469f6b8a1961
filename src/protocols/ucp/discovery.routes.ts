import type { Api } from '../../http/api';
import type { CheckoutService, PublicMerchant } from '../../modules/merchant';
import { z } from 'zod';
import { merchantParams } from './checkout.schemas';
import { CHECKOUT_CAPABILITY, SHOPPING_SERVICE, UCP_SPEC, UCP_VERSION } from './ucp-version';

/** What a profile needs beyond the merchant: the handler object (per merchant, or the deployment's). */
export interface ProfileParts {
  publicBaseUrl: string;
  handler: (merchantId?: string) => object;
}

const profileView = z
  .object({
    ucp: z.object({ version: z.string(), services: z.record(z.string(), z.unknown()), capabilities: z.array(z.unknown()) }),
    payment: z.object({ handlers: z.array(z.unknown()) }),
    signing_keys: z.array(z.unknown()).optional(),
  })
  .meta({ id: 'UcpProfile' });

/** The `ucp` object of a profile whose shopping service is served at `endpoint`. */
function ucpBlock(endpoint: string) {
  return {
    version: UCP_VERSION,
    services: {
      [SHOPPING_SERVICE]: { version: UCP_VERSION, spec: UCP_SPEC.overview, rest: { schema: UCP_SPEC.restSchema, endpoint } },
    },
    capabilities: [{ name: CHECKOUT_CAPABILITY, version: UCP_VERSION, spec: UCP_SPEC.checkout, schema: UCP_SPEC.checkoutSchema }],
  };
}

/** A merchant's business profile: its endpoint, the checkout capability, the handler it accepts. */
export function merchantProfile(merchant: PublicMerchant, parts: ProfileParts) {
  return { ucp: ucpBlock(merchant.ucpEndpoint), payment: { handlers: [parts.handler(merchant.id)] } };
}

/**
 * The deployment's own profile at /.well-known/ucp. OCP sells nothing itself: it hosts merchants,
 * each a UCP business at {PUBLIC_BASE_URL}/ucp/{merchantId} with its own profile there. So this one
 * says what every merchant here shares (the version, the shopping service's REST binding with the
 * base its merchants' endpoints live under, the checkout capability) and offers the OCP wallet
 * payment handler, which any UCP business may accept (docs/ucp-payment-handler.md). A platform
 * takes a merchant's exact endpoint from the merchant's profile.
 */
export function deploymentProfile(parts: ProfileParts) {
  return { ucp: ucpBlock(`${parts.publicBaseUrl}/ucp`), payment: { handlers: [parts.handler()] } };
}

const CACHE = { 'Cache-Control': 'public, max-age=300' };

/** GET {ucpEndpoint}/.well-known/ucp, on the UCP Api (/ucp). */
export function merchantDiscoveryRoutes(
  ucp: Api,
  checkouts: CheckoutService,
  parts: ProfileParts,
  extend: (merchant: PublicMerchant, profile: ReturnType<typeof merchantProfile>) => Promise<object> = async (_m, p) => p,
): void {
  ucp.route({
    method: 'get',
    path: '/:merchantId/.well-known/ucp',
    summary: `A merchant's UCP ${UCP_VERSION} business profile: its checkout endpoint, capabilities and payment handler`,
    tags: ['ucp'],
    public: true,
    params: merchantParams,
    responses: { 200: { description: 'The business profile', schema: profileView } },
    handler: async ({ params }) => {
      const merchant = await checkouts.merchant(params.merchantId);
      return { status: 200, body: await extend(merchant, merchantProfile(merchant, parts)), headers: CACHE };
    },
  });
}

/** GET /.well-known/ucp, on an Api at the root. */
export function deploymentDiscoveryRoutes(root: Api, parts: ProfileParts): void {
  const profile = deploymentProfile(parts);
  root.route({
    method: 'get',
    path: '/.well-known/ucp',
    summary: `The deployment's UCP ${UCP_VERSION} profile: the shopping service its merchants serve and the OCP wallet payment handler`,
    tags: ['ucp'],
    public: true,
    responses: { 200: { description: 'The profile', schema: profileView } },
    handler: async () => ({ status: 200, body: profile, headers: CACHE }),
  });
}
