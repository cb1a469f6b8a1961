import type { RequestHandler } from 'express';
import type { Api } from '../../http/api';
import type { X402Facilitator } from './facilitator';
import { facilitatorRequest, settleResponse, supportedResponse, verifyResponse } from './x402.schemas';

const tags = ['x402'];
/** Settling spends OCP's gas: only merchants' API clients (their payments to collect) may ask. */
const permission = 'merchant:payments:redeem';

/** The x402 v2 facilitator interface, mounted at /x402 (its paths are the interface's own). */
export function x402FacilitatorRoutes(api: Api, facilitator: X402Facilitator, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'get',
    path: '/supported',
    summary: 'x402 facilitator: the payment kinds (scheme, network) OCP verifies and settles, and its gas signer',
    tags,
    public: true,
    responses: { 200: { description: 'Supported kinds, extensions and signers', schema: supportedResponse } },
    handler: async () => ({ status: 200, body: await facilitator.supported() }),
  });

  api.route({
    method: 'post',
    path: '/verify',
    summary: 'x402 facilitator: check a payment payload against its requirements, without settling',
    tags,
    permission,
    before: [limits.payment],
    body: facilitatorRequest,
    responses: { 200: { description: 'isValid, or why not (invalidReason)', schema: verifyResponse } },
    handler: async ({ body, principal }) => ({ status: 200, body: await facilitator.verify(principal, body) }),
  });

  api.route({
    method: 'post',
    path: '/settle',
    summary: "x402 facilitator: verify, then submit the payment's EIP-3009 authorization on chain from OCP's gas key",
    tags,
    permission,
    before: [limits.payment],
    body: facilitatorRequest,
    responses: { 200: { description: 'success and the transaction hash, or why not (errorReason)', schema: settleResponse } },
    handler: async ({ body, principal }) => ({ status: 200, body: await facilitator.settle(principal, body) }),
  });
}
