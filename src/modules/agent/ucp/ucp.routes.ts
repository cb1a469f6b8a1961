import type { RequestHandler, Router } from 'express';
import type { Api } from '../../../http/api';
import { agentPaymentView, paymentReply } from '../agent-payment.schemas';
import { OCP_HANDLER_ID, OCP_INSTRUMENT_TYPE } from './payment-handler';
import type { UcpService } from './ucp.service';
import { intentBody, UCP_VERSION } from './ucp.schemas';

export function ucpRoutes(api: Api, ucp: UcpService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/ucp/process',
    summary: 'Pay from a compact intent payload (value in major units)',
    tags: ['ucp'],
    permission: 'agent:pay',
    idempotent: true,
    before: [limits.payment],
    body: intentBody,
    responses: {
      201: { description: 'Paid', schema: agentPaymentView },
      202: { description: 'Waiting for approval', schema: agentPaymentView },
    },
    handler: async ({ body, principal, persistReply }) =>
      paymentReply(await ucp.processIntent(principal, body, (tx, p) => persistReply(tx, paymentReply(p)))),
  });
}

/** The UCP profile at /.well-known/ucp: OCP offers one payment handler, paying from agent wallets. */
export function ucpProfile(apiBasePath: string, handlerName: string) {
  return {
    ucp: {
      version: UCP_VERSION,
      capabilities: {},
      payment_handlers: {
        [handlerName]: [
          {
            id: OCP_HANDLER_ID,
            version: UCP_VERSION,
            available_instruments: [{ type: OCP_INSTRUMENT_TYPE }],
            config: {
              credential_endpoint: `${apiBasePath}/ucp/payment-credentials`,
              redeem_endpoint: `${apiBasePath}/ucp/payment-credentials/redeem`,
              intent_endpoint: `${apiBasePath}/ucp/process`,
              token_endpoint: `${apiBasePath}/auth/token`,
              amounts: 'integer minor units',
            },
          },
        ],
      },
    },
  };
}

export function mountUcpProfile(app: Router, api: Api, apiBasePath: string, handlerName: string): void {
  const profile = ucpProfile(apiBasePath, handlerName);
  app.get('/.well-known/ucp', (_req, res) => {
    res.json(profile);
  });
  api.registry.registerPath({
    method: 'get',
    path: '/.well-known/ucp',
    summary: "OCP's UCP profile: its payment handler and endpoints",
    tags: ['ucp'],
    responses: { 200: { description: 'The UCP profile' } },
  });
}
