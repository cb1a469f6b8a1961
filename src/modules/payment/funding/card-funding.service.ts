import { newId } from '../../../infra/crypto/ids';
import type { Principal } from '../../../shared/principal';
import { Conflict, NotFound, Unprocessable } from '../../../shared/errors';
import type { InTransaction, PostedTransfer } from '../../ledger';
import type { TokenService } from '../../token';
import { assertWalletAccess, type WalletRepository } from '../../wallet';
import type { CardChargeRepository } from './card-charge.repository';
import type { ChargeAndCredit } from './charge-and-credit';

export interface FundRequest {
  walletId: string;
  tokenId: string;
  amount: bigint;
  /** The caller's Idempotency-Key: the charge is recorded under it before the processor is asked. */
  idempotencyKey: string;
}

export interface Funded {
  chargeId: string;
  tokenId: string;
  posted: PostedTransfer;
}

/** Server-to-server card funding: charge a stored token, credit the wallet. */
export class CardFundingService {
  constructor(
    private readonly wallets: WalletRepository,
    private readonly tokens: TokenService,
    private readonly charges: CardChargeRepository,
    private readonly chargeAndCredit: ChargeAndCredit,
  ) {}

  /**
   * The story: find the wallet and a token the caller may use, record the charge under the
   * idempotency key, charge the card, credit the wallet (with the idempotent reply in the same
   * transaction). A retry of a request that failed half-way resumes where it stopped.
   *
   * Errors: wallet_not_found (404), token_not_found (404), wallet_not_active (409),
   * token_invalid (422), idempotency_conflict (422), card_declined / processing_error (422),
   * risk_refused (422: the risk screen, before the card is charged),
   * processor_unavailable / token_provider_unavailable / processor_not_configured (503: the tenant's
   * processor has no credentials; nothing is recorded or charged).
   */
  async fund(principal: Principal, request: FundRequest, inTx?: InTransaction<PostedTransfer>): Promise<Funded> {
    const wallet = assertWalletAccess(principal, await this.wallets.findById(request.walletId));
    if (wallet.status !== 'active') throw new Conflict('wallet_not_active', 'A frozen or closed wallet cannot be funded');
    // A service may charge a token it created or one the wallet's owner created; a user only their own.
    const owners = principal.role === 'service' ? [principal.sub, wallet.userId] : [principal.sub];
    const token = await this.tokens.findOwnedByAny(owners, request.tokenId);
    if (!token) throw new NotFound('Token not found', 'token_not_found');
    const validity = await this.tokens.validate(token);
    if (!validity.valid)
      throw new Unprocessable('token_invalid', `The token cannot be charged (${validity.reason})`, { reason: validity.reason });

    const { charge, created } = await this.charges.claim({
      id: newId('chg'),
      scope: principal.sub,
      idempotencyKey: request.idempotencyKey,
      purpose: 'card_funding',
      walletId: wallet.id,
      tokenId: token.id,
      amount: request.amount,
      currency: wallet.currency,
      processor: await this.chargeAndCredit.processorName(),
    });
    if (!created && (charge.walletId !== wallet.id || charge.tokenId !== token.id || charge.amount !== request.amount)) {
      throw new Unprocessable('idempotency_conflict', 'This Idempotency-Key was already used for another funding request');
    }
    const posted = await this.chargeAndCredit.run(charge, token, principal.sub, inTx);
    return { chargeId: charge.id, tokenId: token.id, posted };
  }
}
