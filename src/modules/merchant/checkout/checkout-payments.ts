import type { Transaction } from '../../../shared/transaction';

/** What a checkout's payment step pays: exactly the session's total, to this merchant, for this checkout. */
export interface CheckoutPaymentRequest {
  merchantId: string;
  /** The single-use credential from the instrument's `credential.token`. */
  token: string;
  checkoutId: string;
  amount: bigint;
  currency: string;
}

/** A payment made, as the checkout sees it. */
export interface CheckoutPayment {
  paymentId: string;
  /** The user on whose behalf it was paid (the paying agent's owner): AP2 checks the mandate's signer against it. */
  payerOwnerId: string;
}

/**
 * The payment step of a complete, owned by the merchant module and implemented by the payment
 * handler (the agent module's OCP wallet credentials, wired by the container).
 */
export interface CheckoutPayments {
  /** The `handler_id` of the instrument this port redeems (`ocp_wallet`). */
  readonly handlerId: string;
  /**
   * Pays once and runs `inTx` inside the payment's own database transaction, after the posting and
   * before its commit: if `inTx` throws, nothing is paid and its error is rethrown. Errors: the
   * handler's refusals of the credential (4xx AppErrors), with nothing paid.
   */
  redeem(request: CheckoutPaymentRequest, inTx: (tx: Transaction, paid: CheckoutPayment) => Promise<void>): Promise<CheckoutPayment>;
}
