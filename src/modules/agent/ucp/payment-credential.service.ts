import { randomBytes } from 'node:crypto';
import { newId, sha256Hex } from '../../../infra/crypto/ids';
import { Conflict, Forbidden, NotFound, Unprocessable, ValidationFailed } from '../../../shared/errors';
import { toPage, type Cursor, type Page } from '../../../shared/pagination';
import type { Principal } from '../../../shared/principal';
import type { Transaction } from '../../../shared/transaction';
import type { AgentPayment } from '../agent-payment.repository';
import type { AgentPaymentService, PaymentRequest } from '../agent-payment.service';
import type { MerchantPayment, PaymentCredential, PaymentCredentialRepository } from './payment-credential.repository';
import { OCP_TOKEN_PATTERN, OCP_TOKEN_PREFIX } from './payment-handler';

/** What the credentials need of merchants, read through the merchant module's service. */
export interface CredentialMerchants {
  /** The merchant a credential pays: its wallet and currency; null when there is no such merchant. */
  payee(merchantId: string): Promise<{ id: string; walletId: string; currency: string } | null>;
  /** The merchant as `principal` may reach it (its owner, its API clients). Errors: merchant_not_found (404). */
  get(principal: Principal, merchantId: string): Promise<{ id: string }>;
  /** The checkout an order of the merchant was placed from (its payment's checkout id); null when it has no such order. */
  orderCheckoutId(merchantId: string, orderId: string): Promise<string | null>;
}

/** The agent's bound wallet, as the wallet module stores it. */
export interface CredentialWallets {
  findById(id: string): Promise<{ id: string; currency: string; status: string } | null>;
}

export interface IssueRequest {
  merchantId: string;
  checkoutId: string;
  amount: bigint;
  currency: string;
  mandate?: string;
}

export interface RedeemRequest {
  /** The business redeeming: only the merchant the credential was issued for may. */
  merchantId: string;
  token: string;
  checkoutId: string;
  amount: bigint;
  currency: string;
}

export interface RedeemedPayment {
  paymentId: string;
  transferId: string;
  credentialId: string;
  agentId: string;
  ownerId: string;
  amount: bigint;
  currency: string;
  checkoutId: string;
  merchantId: string;
  createdAt: Date;
}

/**
 * Redeems OCP wallet credentials for an in-process business (the UCP checkout sessions of OCP's own
 * merchants call it when a checkout completes).
 */
export interface UcpCredentialRedeemer {
  /**
   * Moves exactly `amount` from the agent's wallet to the merchant's, once. `inTx` runs inside the
   * payment's own transaction (after the posting, before commit): if it throws, nothing is paid and the
   * credential stays unredeemed. Errors: credential_invalid (422), credential_wrong_business (403),
   * credential_mismatch (422), credential_expired (409), credential_already_redeemed (409), and
   * those of the agent's payment (policy_violation, insufficient_funds, agent_suspended_or_revoked, mandate_*, ...).
   */
  redeem(request: RedeemRequest, inTx: (tx: Transaction, paid: RedeemedPayment) => Promise<void>): Promise<RedeemedPayment>;
}

const SOURCE = 'ucp_credential';

/** OCP wallets as a UCP payment handler: agents get credentials bound to one checkout, businesses redeem them. */
export class PaymentCredentialService implements UcpCredentialRedeemer {
  constructor(
    private readonly credentials: PaymentCredentialRepository,
    private readonly payments: AgentPaymentService,
    private readonly merchants: CredentialMerchants,
    private readonly wallets: CredentialWallets,
    private readonly options: { ttlMs: number },
  ) {}

  /**
   * A single-use token for one checkout of one merchant, for exactly this amount. Nothing moves and
   * no budget is taken: both happen on redeem. Only the token's hash is stored; the token is in the
   * result only. Errors: merchant_not_found (404), merchant_currency_mismatch (422), agent_only /
   * agent_suspended_or_revoked (403), policy_violation (403, details.rule; approval_threshold when the
   * owner would have to approve), wallet_not_found (404), wallet_not_active (409), currency_mismatch (400).
   */
  async issue(principal: Principal, input: IssueRequest): Promise<{ credential: PaymentCredential; token: string }> {
    const merchant = await this.merchants.payee(input.merchantId);
    if (!merchant) throw new NotFound('Merchant not found', 'merchant_not_found');
    if (merchant.currency !== input.currency) {
      throw new Unprocessable('merchant_currency_mismatch', `The merchant takes ${merchant.currency} only`, {
        currency: merchant.currency,
      });
    }
    const agent = await this.payments.checkPromise(principal, this.paymentRequest(input, merchant.walletId));
    const wallet = await this.wallets.findById(agent.walletId);
    if (!wallet) throw new NotFound('Wallet not found', 'wallet_not_found');
    if (wallet.status !== 'active')
      throw new Conflict('wallet_not_active', "The agent's wallet is frozen or closed", { status: wallet.status });
    if (wallet.currency !== input.currency) {
      throw new ValidationFailed(`The agent's wallet holds ${wallet.currency}`, { currency: wallet.currency }, 'currency_mismatch');
    }
    const token = OCP_TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const credential = await this.credentials.insert({
      id: newId('pcr'),
      tokenHash: hashOf(token),
      agentId: agent.id,
      ownerId: agent.ownerId,
      merchantId: merchant.id,
      checkoutId: input.checkoutId,
      amount: input.amount,
      currency: input.currency,
      mandate: input.mandate ?? null,
      expiresAt: new Date(Date.now() + this.options.ttlMs),
    });
    return { credential, token };
  }

  /**
   * The REST redeem: a merchant's API client redeems for its merchant; a user for a merchant they own.
   * Errors: those of `redeem`.
   */
  async redeemFor(
    principal: Principal,
    input: Omit<RedeemRequest, 'merchantId'>,
    inTx: (tx: Transaction, paid: RedeemedPayment) => Promise<void>,
  ): Promise<RedeemedPayment> {
    const credential = await this.find(input.token);
    const merchantId = principal.merchantId ?? (await this.ownedMerchant(principal, credential.merchantId));
    return this.redeem({ ...input, merchantId }, inTx);
  }

  async redeem(request: RedeemRequest, inTx: (tx: Transaction, paid: RedeemedPayment) => Promise<void>): Promise<RedeemedPayment> {
    const credential = await this.find(request.token);
    assertRedeemable(credential, request, new Date());
    const merchant = await this.merchants.payee(credential.merchantId);
    if (!merchant) throw new NotFound('Merchant not found', 'merchant_not_found');
    let paid: RedeemedPayment | undefined;
    await this.payments.payAsAgent(
      credential.agentId,
      { ...this.paymentRequest(credential, merchant.walletId), ...(credential.mandate ? { mandate: credential.mandate } : {}) },
      async (tx, payment) => {
        paid = redeemed(credential, payment);
        await inTx(tx, paid);
      },
      // First in the payment's transaction: of concurrent redemptions one claims, the others wait here and are refused.
      async (tx, payment) => {
        if (await this.credentials.claim(tx, credential.id, payment.id, payment.createdAt)) return;
        throw payment.createdAt >= credential.expiresAt ? expired() : alreadyRedeemed();
      },
    );
    return paid!;
  }

  /** Payments to the merchant through credentials, newest first. Errors: merchant_not_found (404). */
  async listForMerchant(
    principal: Principal,
    merchantId: string,
    filter: { checkoutId?: string; orderId?: string },
    limit: number,
    after?: Cursor,
  ): Promise<Page<MerchantPayment>> {
    await this.merchants.get(principal, merchantId);
    let checkoutId = filter.checkoutId;
    if (filter.orderId !== undefined) {
      // An order is paid by the one payment of the checkout it was placed from.
      const ofOrder = await this.merchants.orderCheckoutId(merchantId, filter.orderId);
      if (ofOrder === null || (checkoutId !== undefined && checkoutId !== ofOrder)) return { data: [], nextCursor: null };
      checkoutId = ofOrder;
    }
    return toPage(
      await this.credentials.listMerchantPayments(merchantId, checkoutId !== undefined ? { checkoutId } : {}, limit, after),
      limit,
    );
  }

  /** Errors: merchant_not_found, merchant_payment_not_found (404). */
  async getForMerchant(principal: Principal, merchantId: string, paymentId: string): Promise<MerchantPayment> {
    await this.merchants.get(principal, merchantId);
    const payment = await this.credentials.findMerchantPayment(merchantId, paymentId);
    if (!payment) throw new NotFound('Payment not found', 'merchant_payment_not_found');
    return payment;
  }

  private paymentRequest(
    c: { merchantId: string; checkoutId: string; amount: bigint; currency: string },
    walletId: string,
  ): PaymentRequest {
    return {
      to: { merchantId: c.merchantId, walletId },
      amount: c.amount,
      currency: c.currency,
      source: SOURCE,
      reference: c.checkoutId,
      memo: `UCP checkout ${c.checkoutId}`,
    };
  }

  private async find(token: string): Promise<PaymentCredential> {
    const credential = OCP_TOKEN_PATTERN.test(token) ? await this.credentials.findByTokenHash(hashOf(token)) : null;
    if (!credential) throw new Unprocessable('credential_invalid', 'This is not a payment credential OCP issued');
    return credential;
  }

  /** A user redeems only for a merchant they own; anyone else is another business. */
  private async ownedMerchant(principal: Principal, merchantId: string): Promise<string> {
    try {
      return (await this.merchants.get(principal, merchantId)).id;
    } catch (error) {
      if (error instanceof NotFound) throw wrongBusiness();
      throw error;
    }
  }
}

/** The checks that need no transaction; the claim repeats the two that can change (redeemed, expired). */
function assertRedeemable(c: PaymentCredential, r: RedeemRequest, now: Date): void {
  // Another business learns nothing about the credential: not its checkout, amount or state.
  if (c.merchantId !== r.merchantId) throw wrongBusiness();
  const fields = [
    c.checkoutId !== r.checkoutId ? 'checkout_id' : null,
    c.amount !== r.amount ? 'amount' : null,
    c.currency !== r.currency ? 'currency' : null,
  ].filter((f): f is string => f !== null);
  if (fields.length > 0) {
    throw new Unprocessable('credential_mismatch', `The credential was issued for another ${fields.join(', ')}`, { fields });
  }
  if (c.redeemedAt !== null) throw alreadyRedeemed();
  if (c.expiresAt <= now) throw expired();
}

function redeemed(c: PaymentCredential, p: AgentPayment): RedeemedPayment {
  return {
    paymentId: p.id,
    transferId: p.transferId!,
    credentialId: c.id,
    agentId: p.agentId,
    ownerId: p.ownerId,
    amount: p.amount,
    currency: p.currency,
    checkoutId: c.checkoutId,
    merchantId: c.merchantId,
    createdAt: p.createdAt,
  };
}

const hashOf = (token: string) => sha256Hex(token);
const wrongBusiness = () => new Forbidden('This credential was issued for another business', 'credential_wrong_business');
const expired = () => new Conflict('credential_expired', 'The credential has expired; the agent asks for a new one');
const alreadyRedeemed = () => new Conflict('credential_already_redeemed', 'The credential was already redeemed');
