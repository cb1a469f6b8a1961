import type * as CoreClient from '@x402/core/client';
import type * as CoreHttp from '@x402/core/http';
import type * as EvmExactClient from '@x402/evm/exact/client';

type X402ClientSdk = Pick<typeof CoreClient, 'x402Client' | 'x402HTTPClient'> &
  Pick<typeof CoreHttp, 'decodePaymentResponseHeader'> &
  Pick<typeof EvmExactClient, 'registerExactEvmScheme'>;
let sdk: X402ClientSdk | undefined;

/**
 * The x402 client packages, loaded at the first challenge OCP pays rather than at start-up: with
 * viem under @x402/evm they are ~0.4 s of CPU and memory that a deployment whose agents never pay
 * x402 (and every test app) would otherwise pay on every start.
 */
export function x402ClientSdk(): X402ClientSdk {
  if (sdk) return sdk;
  /* eslint-disable @typescript-eslint/no-require-imports -- loaded on first use (above) */
  const { x402Client, x402HTTPClient } = require('@x402/core/client') as typeof CoreClient;
  const { decodePaymentResponseHeader } = require('@x402/core/http') as typeof CoreHttp;
  const { registerExactEvmScheme } = require('@x402/evm/exact/client') as typeof EvmExactClient;
  /* eslint-enable @typescript-eslint/no-require-imports */
  return (sdk = { x402Client, x402HTTPClient, decodePaymentResponseHeader, registerExactEvmScheme });
}
