import type { RequestHandler } from 'express';
import type { Api } from '../../../http/api';
import { agentPaymentView, paymentReply } from '../agent-payment.schemas';
import type { UcpService } from './ucp.service';
import { intentBody } from './ucp.schemas';

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
