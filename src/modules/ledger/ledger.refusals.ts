import { Conflict, InsufficientFunds, NotFound, Unprocessable, ValidationFailed, type AppError } from '../../shared/errors';
import { BALANCE_SOFT_MAX_MINOR } from '../../shared/money/money';
import type { RefusalCode } from './ledger.repository';

/**
 * The error a posting refusal answers with. `details` says more, e.g. `{leg}`: which leg of a
 * multi-leg transaction was refused.
 */
export function refusalError(code: RefusalCode, details?: Record<string, unknown>): AppError {
  switch (code) {
    case 'wallet_not_found':
      return new NotFound('Wallet not found', 'wallet_not_found', details);
    case 'currency_mismatch':
      return new ValidationFailed('Both wallets must hold the same currency', details, 'currency_mismatch');
    case 'wallet_not_active':
      return new Conflict('wallet_not_active', 'A frozen or closed wallet can neither send nor receive', details);
    case 'insufficient_funds':
      return new InsufficientFunds('The source wallet does not hold enough for this transfer', details);
    case 'amount_out_of_range':
      return amountOutOfRange(details);
  }
}

export function amountOutOfRange(details?: Record<string, unknown>): AppError {
  return new Unprocessable('amount_out_of_range', 'This amount would take a balance outside the range the ledger can hold', {
    balanceMaxMinor: BALANCE_SOFT_MAX_MINOR.toString(),
    ...details,
  });
}
