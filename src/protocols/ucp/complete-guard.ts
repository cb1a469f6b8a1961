import type { CheckoutPayment, CheckoutResult } from '../../modules/merchant';
import type { Transaction } from '../../shared/transaction';

/** A check a complete must pass before anything is paid, and its part inside the payment's transaction. */
export interface CompleteGuard {
  /** Outside any transaction, on the session as OCP answers it now: refuses or returns what `inTx` needs. */
  check(current: CheckoutResult, body: { ap2?: { checkout_mandate: string } }): Promise<unknown>;
  /** Inside the payment's transaction, with the payment: refuses (everything rolls back) or records. */
  inTx(tx: Transaction, checked: unknown, paid: CheckoutPayment): Promise<void>;
}
