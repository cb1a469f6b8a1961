import { AppError, InsufficientFunds, Unavailable, Unprocessable } from '../../shared/errors';
import { ChainRejected, ChainUnreachable } from './evm-rpc';

const RETRY_AFTER_SECONDS = 5;

/**
 * The RPC port's errors as API errors: chain_unavailable (503) when the node cannot be reached,
 * insufficient_funds (422) when the node says the account cannot pay, transaction_rejected (422)
 * for any other refusal of a transaction, chain_error (503) for a failed read. Others pass through.
 */
export function chainToAppError(error: unknown, during: 'read' | 'send'): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof ChainUnreachable) {
    return new Unavailable(
      `The RPC node of chain ${error.chainId} is unreachable (${error.reason}); ${during === 'send' ? 'nothing was sent, ' : ''}try again later`,
      'chain_unavailable',
      RETRY_AFTER_SECONDS,
    );
  }
  if (error instanceof ChainRejected) {
    if (during === 'read') return new Unavailable(`The RPC node of chain ${error.chainId} failed to answer: ${error.reason}`, 'chain_error', RETRY_AFTER_SECONDS);
    if (error.code === 'INSUFFICIENT_FUNDS') return new InsufficientFunds('The wallet does not hold enough on chain for the amount plus gas');
    return new Unprocessable('transaction_rejected', `Chain ${error.chainId} refused the transaction: ${error.reason}`, { chainCode: error.code });
  }
  return error;
}
