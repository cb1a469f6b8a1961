import type { RequestHandler } from 'express';
import type { Api, Reply } from '../../../http/api';
import { idParams } from '../../../http/params';
import type { CardFundingService, Funded } from './card-funding.service';
import { fundBody, fundedView, toFundedView } from './funding.schemas';

export function fundingRoutes(api: Api, funding: CardFundingService, limits: { payment: RequestHandler }): void {
  api.route({
    method: 'post',
    path: '/wallets/:id/fund',
    summary: 'Charge a stored card token and credit the wallet with the amount',
    tags: ['payments'],
    permission: 'wallet:fund',
    idempotent: true,
    before: [limits.payment],
    params: idParams,
    body: fundBody,
    responses: { 201: { description: 'The charge and the funding transfer with its records', schema: fundedView } },
    handler: async ({ params, body, principal, headers, persistReply }) => {
      const reply = (f: Funded): Reply => ({ status: 201, body: toFundedView(f) });
      const request = {
        walletId: params.id,
        tokenId: body.tokenId,
        amount: body.amount,
        idempotencyKey: String(headers['idempotency-key']),
      };
      // The reply is stored in the credit's transaction; the charge id is on the transfer by then.
      const funded = await funding.fund(principal, request, (tx, posted) =>
        persistReply(tx, reply({ chargeId: String(posted.transfer.metadata.chargeId), tokenId: body.tokenId, posted })),
      );
      return reply(funded);
    },
  });
}
