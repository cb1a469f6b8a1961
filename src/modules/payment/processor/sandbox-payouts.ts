import { newId } from '../../../infra/crypto/ids';
import { AppError } from '../../../shared/errors';
import {
  payoutFailed,
  type AcceptedPayout,
  type BankAccountDetails,
  type PayoutRequest,
  type PayoutState,
  type RegisteredBankAccount,
} from './payment-processor';
import { setBounded } from '../../../shared/bounded-map';

/**
 * What the sandbox does with a payout, by the destination's last four digits (a card's or a bank
 * account's), as it does with charges. The bank account endings are those of Stripe's test
 * account numbers (000111111116 fails with no_account, 000111111113 with account_closed); the card
 * endings are those of the processors' public test cards (the one ending 0002 declines). Anything
 * else is paid and stays paid.
 */
export const SANDBOX_PAYOUT_FAILURES: ReadonlyMap<string, string> = new Map([
  ['0002', 'could_not_process'],
  ['1116', 'no_account'],
]);
/** Paid at first, then returned by the bank: the next status check says so. */
export const SANDBOX_PAYOUT_RETURNS: ReadonlyMap<string, string> = new Map([
  ['0077', 'could_not_process'],
  ['1113', 'account_closed'],
]);

// As for charges: a bound keeps a long-running dev server from growing without end.
const REMEMBERED_PAYOUTS_MAX = 10_000;

type PayoutOutcome = { accepted: AcceptedPayout } | { failureCode: string };

/** The sandbox's payouts, apart from its charges. Payout ids are idempotency keys, as charge ids are. */
export class SandboxPayouts {
  private readonly payouts = new Map<string, PayoutOutcome>();
  private readonly returns = new Map<string, string>();
  /** Payouts that really ran (replays excluded): what tests count to prove "paid out once". */
  payoutsMade = 0;

  async payout(request: PayoutRequest): Promise<AcceptedPayout> {
    let outcome = this.payouts.get(request.payoutId);
    if (!outcome) {
      outcome = this.decidePayout(request);
      setBounded(this.payouts, request.payoutId, outcome, REMEMBERED_PAYOUTS_MAX);
    }
    if ('failureCode' in outcome) throw payoutFailed(outcome.failureCode);
    return outcome.accepted;
  }

  async payoutState(processorPayoutId: string): Promise<PayoutState> {
    const returnCode = this.returns.get(processorPayoutId);
    return returnCode ? { status: 'returned', failureCode: returnCode } : { status: 'paid' };
  }

  async registerBankAccount(account: BankAccountDetails): Promise<RegisteredBankAccount> {
    if (!abaChecksumValid(account.routingNumber)) {
      throw new AppError('unprocessable', 'bank_account_invalid', 'The routing number is not a valid ABA routing number');
    }
    return { processorDestinationId: newId('sbba'), last4: account.accountNumber.slice(-4), bankName: 'OCP Sandbox Bank' };
  }

  private decidePayout(request: PayoutRequest): PayoutOutcome {
    this.payoutsMade += 1;
    const failureCode = SANDBOX_PAYOUT_FAILURES.get(request.destination.last4);
    if (failureCode) return { failureCode };
    const accepted = { processorPayoutId: newId('sbpo') };
    const returnCode = SANDBOX_PAYOUT_RETURNS.get(request.destination.last4);
    if (returnCode) {
      setBounded(this.returns, accepted.processorPayoutId, returnCode, REMEMBERED_PAYOUTS_MAX);
    }
    return { accepted };
  }
}

/** The ABA routing number checksum (weights 3, 7, 1): catches a mistyped digit before any payout. */
function abaChecksumValid(routingNumber: string): boolean {
  if (!/^\d{9}$/.test(routingNumber)) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  const sum = [...routingNumber].reduce((total, digit, i) => total + Number(digit) * weights[i]!, 0);
  return sum % 10 === 0;
}
