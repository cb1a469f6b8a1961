// The UCP edge (DESIGN §11): the merchants' UCP business endpoints and the discovery profiles. It
// parses and checks the protocol's messages and calls the merchant module's services.
import { createHash } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Express, Request, RequestHandler } from 'express';
import { Api } from '../../http/api';
import type { Logger } from '../../infra/logger';
import type { IdempotencyService } from '../../modules/idempotency';
import type { CheckoutCompletionService, CheckoutResult, CheckoutService } from '../../modules/merchant';
import { checkoutResponse, type CheckoutResponse } from './checkout-response';
import { checkoutRoutes, type CheckoutAnswers } from './checkout.routes';
import { ucpErrorView } from './checkout.schemas';
import { deploymentDiscoveryRoutes, merchantDiscoveryRoutes, type ProfileParts } from './discovery.routes';
import { completeRoutes } from './complete.routes';
import type { CheckoutMandateService } from './ap2';
import type { OwnerMandateKeyLookup } from './ap2/checkout-mandate.repository';
import { ap2Capability, ap2Guard, ap2InForce, withAp2, type CheckoutSigner } from './ap2-checkout';
import { ucpErrorHandler, ucpNotFound } from './ucp-errors';

export { UCP_VERSION } from './ucp-version';
// For the MCP edge's buyer tools: the checkout as UCP shapes it, and AP2's refusal when a merchant requires mandates.
export { checkoutView } from './checkout.schemas';
export type { CheckoutResponse } from './checkout-response';
export { ap2InForce } from './ap2-checkout';
export { Ap2Refused } from './ap2';

export interface UcpEdgeDeps {
  checkouts: CheckoutService;
  completion: CheckoutCompletionService;
  /** The merchant module's signing service: AP2's merchant_authorization, the profiles' signing_keys. */
  signing: CheckoutSigner & { publicSigningKeys(merchantId: string): Promise<object[]> };
  /** AP2's checkout-mandate verifier and its single-use record. */
  mandates: Pick<CheckoutMandateService, 'verifyCheckoutMandate' | 'recordMandateUse'>;
  /** The agent module's owner mandate keys (whose consent a checkout mandate is). */
  ownerKeys: OwnerMandateKeyLookup;
  /** Per client address: completing spends a payment credential. */
  completeLimiter: RequestHandler;
  idempotency: IdempotencyService;
  logger: Logger;
  /** The API's OpenAPI registry: the UCP routes are documented with the rest. */
  registry: OpenAPIRegistry;
  publicBaseUrl: string;
  apiBasePath: string;
  /** The OCP wallet payment handler object; with a merchant id, as that business declares it. */
  handler: (merchantId?: string) => object;
}

/**
 * Idempotency-Keys at a merchant's endpoint are the platforms' (who need no OCP account): scoped per
 * merchant and per UCP-Agent profile, so two platforms' keys never meet.
 */
function platformScope(req: Request): string {
  const merchantId = (req.params as { merchantId?: string }).merchantId ?? '';
  const agent = createHash('sha256')
    .update(String(req.headers['ucp-agent'] ?? ''))
    .digest('base64url')
    .slice(0, 22);
  return `ucp:${merchantId}:${agent}`;
}

/**
 * A session as this edge answers it (UCP's checkout response, with AP2's merchant_authorization when
 * the merchant requires it), for another edge that hands out checkouts (MCP's create_checkout).
 */
export function checkoutRenderer(
  d: Pick<UcpEdgeDeps, 'signing' | 'publicBaseUrl' | 'apiBasePath' | 'handler'>,
): (result: CheckoutResult) => Promise<CheckoutResponse> {
  const publicBaseUrl = d.publicBaseUrl.replace(/\/+$/, '');
  return async (result) =>
    (await withAp2(
      d.signing,
      result.merchant,
      checkoutResponse(
        result,
        d.handler(result.merchant.id),
        (orderId) => `${publicBaseUrl}${d.apiBasePath}/merchants/${result.merchant.id}/orders/${orderId}`,
      ),
    )) as CheckoutResponse;
}

/** Mounts /.well-known/ucp and /ucp/{merchantId}/…, whose every error answer is a UCP message. */
export function mountUcp(app: Express, d: UcpEdgeDeps): void {
  const publicBaseUrl = d.publicBaseUrl.replace(/\/+$/, '');
  const parts: ProfileParts = {
    publicBaseUrl,
    handler: d.handler,
  };
  const answers: CheckoutAnswers = { render: checkoutRenderer(d) };
  const guard = ap2Guard({ mandates: d.mandates, ownerKeys: d.ownerKeys, render: answers.render });

  const root = new Api('', undefined, { registry: d.registry, errorSchema: ucpErrorView });
  deploymentDiscoveryRoutes(root, parts);
  app.use(root.router);

  const ucp = new Api('/ucp', d.idempotency, { registry: d.registry, errorSchema: ucpErrorView, idempotencyScope: platformScope });
  checkoutRoutes(ucp, d.checkouts, answers);
  completeRoutes(ucp, d.completion, answers, guard, d.completeLimiter);
  // A merchant publishes its signing keys (AP2's merchant_authorization verifies with them) and,
  // when it requires AP2, the mandate capability.
  merchantDiscoveryRoutes(ucp, d.checkouts, parts, async (merchant, profile) => ({
    ...profile,
    ucp: { ...profile.ucp, capabilities: [...profile.ucp.capabilities, ...(ap2InForce(merchant) ? [ap2Capability()] : [])] },
    signing_keys: await d.signing.publicSigningKeys(merchant.id),
  }));
  app.use('/ucp', ucp.router, ucpNotFound(), ucpErrorHandler(d.logger));
}
