import type { Principal } from '../../../shared/principal';
import { newId } from '../../../infra/crypto/ids';
import { AppError, Conflict, NotFound, Unprocessable } from '../../../shared/errors';
import type { InTransaction, PostedTransfer } from '../../ledger';
import type { PaymentToken, NetworkTokenData, TokenService } from '../../token';
import type { WalletRepository } from '../../wallet';
import type { CardCharge, CardChargeRepository } from '../funding/card-charge.repository';
import type { ChargeAndCredit } from '../funding/charge-and-credit';
import { PaymentDataRejected } from '../payment-data.errors';
import type { PaymentMethod, PaymentSession, PaymentSessionService } from '../session/payment-session.service';
import type { PaymentDataClaimRepository } from './payment-data-claim.repository';
import type { PaymentDataFingerprinter } from './payment-data-fingerprint';

/** One mobile wallet's own checks: session, signature, decryption, and the session's claim. */
export interface WalletPaymentVerifier {
  verifyPayment(
    principal: Principal,
    sessionId: string,
    paymentData: unknown,
  ): Promise<{ session: PaymentSession; network: NetworkTokenData }>;
}

export interface MobilePaymentRequest {
  sessionId: string;
  /** The encrypted payment token as the wallet gave it (EC_v1 object, ECv2 object or JSON string). */
  paymentData: unknown;
  /** The caller's Idempotency-Key: the charge is recorded under it before the processor is asked. */
  idempotencyKey: string;
}

export interface MobileFunded {
  method: PaymentMethod;
  sessionId: string;
  chargeId: string;
  tokenId: string;
  posted: PostedTransfer;
}

/** The payment data this request holds the single-use claim on (released only if nothing was charged). */
interface HeldClaim {
  fingerprint: string;
  sessionId: string;
}

/**
 * Apple Pay / Google Pay funding: the payment data pays its session's amount into its wallet.
 * The session is single-use (claimed once, and one charge per session in the database), and so is
 * the payment data (a fingerprint claimed in payment_data_claims before the processor is asked);
 * the charge record (card_charges, purpose apple_pay | google_pay) is the audit record of the funding.
 */
export class MobileFundingService {
  constructor(
    private readonly verifiers: Record<PaymentMethod, WalletPaymentVerifier>,
    private readonly sessions: PaymentSessionService,
    private readonly wallets: WalletRepository,
    private readonly tokens: TokenService,
    private readonly charges: CardChargeRepository,
    private readonly chargeAndCredit: ChargeAndCredit,
    private readonly paymentData: PaymentDataClaimRepository,
    private readonly fingerprints: PaymentDataFingerprinter,
  ) {}

  /**
   * The story: verify the payment against its session and claim it, claim the payment data itself
   * (single use across sessions and users), tokenize the network token, record the charge under the
   * idempotency key, charge it, credit the wallet with the idempotent reply in the same transaction.
   * A retry under the same key resumes the recorded charge. Until the processor is asked, a failure
   * gives back the session and the payment data claim; from then on both stay used, even after a
   * decline (a wallet's cryptogram is single-use: the payer authorises again in the wallet sheet).
   *
   * Errors: payment_method_not_configured (503), payment_session_not_found (404), payment_session_used (409),
   * payment_data_replayed (409), payment_session_mismatch (422), payment_data_* (422), wallet_not_active (409), idempotency_conflict (422),
   * token_provider_rejected (422), token_provider_unavailable (503), card_declined / processing_error (422),
   * risk_refused (422: the risk screen, before the card is charged), processor_unavailable / processor_not_configured (503).
   */
  async process(
    principal: Principal,
    method: PaymentMethod,
    request: MobilePaymentRequest,
    inTx?: InTransaction<PostedTransfer>,
  ): Promise<MobileFunded> {
    const recorded = await this.charges.findByKey(principal.sub, request.idempotencyKey);
    if (recorded) return this.resume(principal, method, request, recorded, inTx);

    const { session, claim, token } = await this.verifyAndTokenize(principal, method, request);
    const { charge } = await this.releasingOnFailure(session, claim, async () => {
      await this.assertFundable(session.walletId);
      return this.charges.claim({
        id: newId('chg'),
        scope: principal.sub,
        idempotencyKey: request.idempotencyKey,
        purpose: method,
        walletId: session.walletId,
        tokenId: token.id,
        amount: session.amount,
        currency: session.currency,
        processor: await this.chargeAndCredit.processorName(),
        paymentSessionId: session.id,
      });
    });
    return this.chargeAndCredit.run(charge, token, principal.sub, inTx).then((posted) => funded(method, charge, posted));
  }

  /** OCP decrypts with the merchant keys, or hands the encrypted token to a provider that decrypts (Basis Theory). */
  private async verifyAndTokenize(principal: Principal, method: PaymentMethod, request: MobilePaymentRequest) {
    if (await this.tokens.decryptsWalletPaymentData()) {
      // The provider decrypts, so the amount cannot be compared here: the session's amount is charged.
      // The data is claimed before the provider sees it, so a replay does not even make a token there.
      const session = await this.sessions.claim(principal, method, request.sessionId);
      const claim = await this.releasingOnFailure(session, undefined, () =>
        this.claimPaymentData(principal, method, session, request.paymentData),
      );
      const token = await this.releasingOnFailure(session, claim, async () =>
        this.tokens.createFromWalletPaymentData(principal.sub, method, asTokenObject(request.paymentData)),
      );
      return { session, claim, token };
    }
    const { session, network } = await this.verifiers[method].verifyPayment(principal, request.sessionId, request.paymentData);
    const claim = await this.releasingOnFailure(session, undefined, () =>
      this.claimPaymentData(principal, method, session, request.paymentData),
    );
    const token = await this.releasingOnFailure(session, claim, () => this.tokens.createFromNetworkToken(principal.sub, network));
    return { session, claim, token };
  }

  /** Errors: payment_data_replayed (409) when this payment data was claimed before, by anyone; payment_data_malformed (422). */
  private async claimPaymentData(
    principal: Principal,
    method: PaymentMethod,
    session: PaymentSession,
    paymentData: unknown,
  ): Promise<HeldClaim> {
    const fingerprint = this.fingerprints.of(method, paymentData);
    if (!(await this.paymentData.claim({ fingerprint, method, paymentSessionId: session.id, claimedBy: principal.sub }))) {
      throw new Conflict('payment_data_replayed', 'This payment data has already been used: authorise the payment again in the wallet');
    }
    return { fingerprint, sessionId: session.id };
  }

  /** Nothing was charged yet: a failure gives the session and the payment data back so the payer can try again. */
  private async releasingOnFailure<T>(session: PaymentSession, claim: HeldClaim | undefined, step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      if (claim) await this.paymentData.release(claim.fingerprint, claim.sessionId);
      if (!(error instanceof AppError && error.code === 'payment_session_used')) await this.sessions.release(session.id);
      throw error;
    }
  }

  private async assertFundable(walletId: string): Promise<void> {
    const wallet = await this.wallets.findById(walletId);
    if (!wallet) throw new NotFound('Wallet not found', 'wallet_not_found');
    if (wallet.status !== 'active') throw new Conflict('wallet_not_active', 'A frozen or closed wallet cannot be funded');
  }

  private async resume(
    principal: Principal,
    method: PaymentMethod,
    request: MobilePaymentRequest,
    charge: CardCharge,
    inTx?: InTransaction<PostedTransfer>,
  ) {
    if (charge.purpose !== method || charge.paymentSessionId !== request.sessionId) {
      throw new Unprocessable('idempotency_conflict', 'This Idempotency-Key was already used for another payment');
    }
    const token: PaymentToken | null = await this.tokens.findOwnedByAny([principal.sub], charge.tokenId);
    if (!token) throw new NotFound('Token not found', 'token_not_found');
    return funded(method, charge, await this.chargeAndCredit.run(charge, token, principal.sub, inTx));
  }
}

/** Google Pay hands the client its token as a JSON string; the provider's API takes the object. */
function asTokenObject(paymentData: unknown): unknown {
  if (typeof paymentData !== 'string') return paymentData;
  try {
    return JSON.parse(paymentData) as unknown;
  } catch {
    throw new PaymentDataRejected('payment_data_malformed', 'The payment data is not a JSON payment token');
  }
}

function funded(method: PaymentMethod, charge: CardCharge, posted: PostedTransfer): MobileFunded {
  return { method, sessionId: charge.paymentSessionId ?? '', chargeId: charge.id, tokenId: charge.tokenId, posted };
}
