import { AppError, InsufficientFunds, Unavailable, Unprocessable } from '../../shared/errors';
import { ChainRejected, ChainUnreachable } from './evm-rpc';

const RETRY_AFTER_SECONDS = 5;

/**
 * The RPC port's errors as API errors: chain_unavailable (503) when the node cannot be reached,
 * insufficient_funds (422) when the node says the account cannot pay, transaction_rejected (422)
 * for any other refusal of a transaction, chain_error (503) for a failed read. Others pass through.
 * The node's own words stay in the error's cause, for the logs: they can name hosts, paths or keys
 * of the node's operator, and a hostile node can say anything to our clients through them.
 */
export function chainToAppError(error: unknown, during: 'read' | 'send'): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof ChainUnreachable) {
    return withCause(
      new Unavailable(
        `The RPC node of chain ${error.chainId} is unreachable; ${during === 'send' ? 'nothing was sent, ' : ''}try again later`,
        'chain_unavailable',
        RETRY_AFTER_SECONDS,
      ),
      error,
    );
  }
  if (error instanceof ChainRejected) {
    if (during === 'read')
      return withCause(
        new Unavailable(`The RPC node of chain ${error.chainId} failed to answer`, 'chain_error', RETRY_AFTER_SECONDS),
        error,
      );
    if (error.code === 'INSUFFICIENT_FUNDS')
      return new InsufficientFunds('The wallet does not hold enough on chain for the amount plus gas');
    const chainCode = /^[A-Z_]{1,40}$/.test(error.code) ? error.code : 'UNKNOWN_ERROR';
    return withCause(
      new Unprocessable('transaction_rejected', `Chain ${error.chainId} refused the transaction (${chainCode})`, { chainCode }),
      error,
    );
  }
  return error;
}

function withCause<E extends Error>(appError: E, cause: ChainUnreachable | ChainRejected): E {
  (appError as Error).cause = cause.reason;
  return appError;
}
