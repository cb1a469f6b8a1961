// The UCP edge (DESIGN §11): the merchants' UCP business endpoints and the discovery profiles. It
// parses and checks the protocol's messages and calls the merchant module's services.
import { createHash } from 'node:crypto';
import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import type { Express, Request, RequestHandler } from 'express';
import { Api } from '../../http/api';
import type { Logger } from '../../infra/logger';
import type { IdempotencyService } from '../../modules/idempotency';
import type { CheckoutCompletionService, CheckoutResult, CheckoutService } from '../../modules/merchant';
import { checkoutResponse } from './checkout-response';
import { checkoutRoutes, type CheckoutAnswers } from './checkout.routes';
import { ucpErrorView } from './checkout.schemas';
import { deploymentDiscoveryRoutes, merchantDiscoveryRoutes, type ProfileParts } from './discovery.routes';
import { completeRoutes, type CompleteGuard } from './complete.routes';
import { ucpErrorHandler, ucpNotFound } from './ucp-errors';

export { UCP_VERSION } from './ucp-version';

export interface UcpEdgeDeps {
  checkouts: CheckoutService;
  completion: CheckoutCompletionService;
  /** The checks a complete passes before payment (AP2's checkout mandate when the merchant requires it). */
  completeGuard: CompleteGuard;
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

/** Mounts /.well-known/ucp and /ucp/{merchantId}/…, whose every error answer is a UCP message. */
export function mountUcp(app: Express, d: UcpEdgeDeps): void {
  const publicBaseUrl = d.publicBaseUrl.replace(/\/+$/, '');
  const parts: ProfileParts = {
    publicBaseUrl,
    handler: d.handler,
  };
  const answers: CheckoutAnswers = {
    render: async (result: CheckoutResult) =>
      checkoutResponse(
        result,
        parts.handler(result.merchant.id),
        (orderId) => `${publicBaseUrl}${d.apiBasePath}/merchants/${result.merchant.id}/orders/${orderId}`,
      ),
  };

  const root = new Api('', undefined, { registry: d.registry, errorSchema: ucpErrorView });
  deploymentDiscoveryRoutes(root, parts);
  app.use(root.router);

  const ucp = new Api('/ucp', d.idempotency, { registry: d.registry, errorSchema: ucpErrorView, idempotencyScope: platformScope });
  checkoutRoutes(ucp, d.checkouts, answers);
  completeRoutes(ucp, d.completion, answers, d.completeGuard, d.completeLimiter);
  merchantDiscoveryRoutes(ucp, d.checkouts, parts);
  app.use('/ucp', ucp.router, ucpNotFound(), ucpErrorHandler(d.logger));
}
